"""Ordered schema migrations; index + 1 is the schema version. Append only, never edit."""

MIGRATIONS: list[str] = [
    # 1: conversations, held replies, audit log
    """
    CREATE TABLE chats (
        chat_id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL DEFAULT 'private',
        title TEXT,
        conversation_id INTEGER NOT NULL DEFAULT 1,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE TABLE turns (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id INTEGER NOT NULL,
        conversation_id INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
        text TEXT NOT NULL,
        tokens INTEGER,
        created_at REAL NOT NULL
    );
    CREATE INDEX turns_chat ON turns (chat_id, conversation_id, id);
    CREATE TABLE held_replies (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id INTEGER NOT NULL,
        user_text TEXT NOT NULL,
        reply_text TEXT NOT NULL,
        verdict_json TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
        decided_by TEXT,
        decided_at REAL,
        created_at REAL NOT NULL
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at REAL NOT NULL,
        event TEXT NOT NULL,
        chat_id INTEGER,
        actor TEXT,
        ref_id INTEGER,
        verdict_json TEXT,
        detail_json TEXT
    );
    """,
    # 2: per-chat system prompt, Telegram message ids, held-reply delivery, durable updates, outbox
    """
    ALTER TABLE chats ADD COLUMN system_prompt TEXT;
    ALTER TABLE turns ADD COLUMN message_id INTEGER;
    ALTER TABLE held_replies ADD COLUMN source TEXT NOT NULL DEFAULT 'telegram';
    ALTER TABLE held_replies ADD COLUMN user_turn_id INTEGER;
    ALTER TABLE held_replies ADD COLUMN user_message_id INTEGER;
    ALTER TABLE held_replies ADD COLUMN moderator_chat_id INTEGER;
    ALTER TABLE held_replies ADD COLUMN moderator_message_id INTEGER;
    ALTER TABLE held_replies ADD COLUMN delivered_at REAL;
    CREATE INDEX held_state ON held_replies (state, id);
    CREATE INDEX audit_event ON audit (event, id);
    CREATE TABLE updates (
        update_id INTEGER PRIMARY KEY,
        payload_json TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        error TEXT,
        received_at REAL NOT NULL,
        processed_at REAL
    );
    CREATE INDEX updates_state ON updates (state, update_id);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id INTEGER NOT NULL,
        text TEXT NOT NULL,
        reply_to_message_id INTEGER,
        kind TEXT NOT NULL DEFAULT 'reply',
        ref_id INTEGER,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL DEFAULT 0,
        last_error TEXT,
        telegram_message_id INTEGER,
        created_at REAL NOT NULL,
        sent_at REAL
    );
    CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);
    """,
    # 3: replaying an interrupted update finds its held item by user turn; outbox state 'failed'
    # (permanent refusals) needs no schema change
    """
    CREATE INDEX held_user_turn ON held_replies (user_turn_id);
    """,
    # 4: bans set by moderators: a Telegram user id or chat id whose messages the bot ignores
    """
    CREATE TABLE bans (
        target_id INTEGER PRIMARY KEY,
        reason TEXT,
        banned_by TEXT NOT NULL,
        banned_at REAL NOT NULL
    );
    """,
    # 5: a moderator may approve an edited reply; the draft stays as moderation saw it
    """
    ALTER TABLE held_replies ADD COLUMN final_text TEXT;
    """,
]
