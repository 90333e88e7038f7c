"""Console input line by line with os.read, for `parley check` and `parley chat`.

Why not sys.stdin: a thread blocked in sys.stdin's buffered reader holds its lock, and after a
Ctrl-C the interpreter's shutdown needs that lock and aborts ("Fatal Python error:
_enter_buffered_busy"); os.read holds no lock. And a Ctrl-C that lands just before a blocking
read is only acted on when the read returns (the next line): with `poll_s`, the wait happens in
select() slices, so a pending Ctrl-C is acted on within one slice.
"""

from __future__ import annotations

import os
import select
import sys
from collections.abc import Iterator


class StdinLines:
    """Lines of a file descriptor, each with its newline (the last one may lack it); b"" at EOF."""

    def __init__(self, fd: int, *, poll_s: float | None = None, chunk: int = 1 << 16) -> None:
        self.fd = fd
        self.poll_s = poll_s
        self.chunk = chunk
        self._buf = bytearray()
        self._searched = 0  # no newline before this offset (long lines stay linear)
        self._eof = False

    def readline(self) -> bytes:
        while True:
            end = self._buf.find(b"\n", self._searched)
            if end >= 0:
                line = bytes(self._buf[:end + 1])
                del self._buf[:end + 1]
                self._searched = 0
                return line
            self._searched = len(self._buf)
            if self._eof:
                line = bytes(self._buf)
                self._buf.clear()
                self._searched = 0
                return line
            if self.poll_s is not None:
                while not select.select([self.fd], [], [], self.poll_s)[0]:
                    pass  # back in Python between slices: a pending Ctrl-C raises here
            data = os.read(self.fd, self.chunk)
            if data:
                self._buf += data
            else:
                self._eof = True

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line


def stdin_lines(*, poll_s: float | None = None) -> StdinLines | None:
    """A reader of the process's stdin, or None when sys.stdin has no file descriptor (replaced by a
    test runner or an embedding program: then read sys.stdin itself)."""
    try:
        fd = sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):
        return None
    return StdinLines(fd, poll_s=poll_s)
