-- A user's feedback on a message (ChatKit's thumbs up or down); the latest kind wins.
CREATE TABLE feedback (
    message_id BIGINT      PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    user_id    TEXT        NOT NULL,
    kind       TEXT        NOT NULL CHECK (kind IN ('positive', 'negative')),
    created_at TIMESTAMPTZ NOT NULL
);
