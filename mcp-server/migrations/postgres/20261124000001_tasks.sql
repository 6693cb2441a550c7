CREATE TABLE tasks (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     TEXT        NOT NULL,
    title       TEXT        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description TEXT        CHECK (char_length(description) <= 1000),
    completed   BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A user's whole list in creation order, and a user's pending or completed tasks.
CREATE INDEX tasks_user_id_idx ON tasks (user_id, id);
CREATE INDEX tasks_user_completed_id_idx ON tasks (user_id, completed, id);
