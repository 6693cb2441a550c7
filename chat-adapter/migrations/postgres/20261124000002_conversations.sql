CREATE TABLE conversations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX conversations_user_recent_idx ON conversations (user_id, updated_at DESC, id DESC);

CREATE TABLE messages (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         TEXT        NOT NULL,
    conversation_id BIGINT      NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role            TEXT        NOT NULL CHECK (role IN ('user', 'assistant')),
    content         TEXT        NOT NULL,
    -- The assistant turn's MCP calls ([{"id","name","arguments","result"}]), so later turns
    -- can resolve "it" and "the second one".
    tool_calls      TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- The latest messages of a conversation, newest first: the history window of every turn.
CREATE INDEX messages_conversation_id_idx ON messages (conversation_id, id);
