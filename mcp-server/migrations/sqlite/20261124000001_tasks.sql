-- AUTOINCREMENT: a deleted task's id is never handed out again, so "task 5" keeps its meaning.
CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     TEXT    NOT NULL,
    title       TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description TEXT    CHECK (length(description) <= 1000),
    completed   BOOLEAN NOT NULL DEFAULT FALSE CHECK (completed IN (0, 1)),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

CREATE INDEX tasks_user_id_idx ON tasks (user_id, id);
CREATE INDEX tasks_user_completed_id_idx ON tasks (user_id, completed, id);
