-- A conversation's own title once the user renames it; until then its title is its first
-- user message (read, not stored).
ALTER TABLE conversations ADD COLUMN title TEXT;

-- One row per chat turn that carried a client_message_id: the first attempt claims it; a
-- retry with the same id gets the stored answer instead of running the turn again.
CREATE TABLE turns (
    user_id           TEXT    NOT NULL,
    client_message_id TEXT    NOT NULL,
    conversation_id   BIGINT  NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    -- The user's message, stored once by the first attempt.
    user_message_id   BIGINT  NOT NULL,
    -- 'running'; 'done' (a retry gets `status` and `answer`, the stored HTTP answer); or
    -- 'retry' (failed before any tool ran: a retry runs it again on the same message).
    state             TEXT    NOT NULL CHECK (state IN ('running', 'done', 'retry')),
    status            INTEGER,
    answer            TEXT,
    started_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, client_message_id)
);
CREATE INDEX turns_conversation_idx ON turns (conversation_id);
