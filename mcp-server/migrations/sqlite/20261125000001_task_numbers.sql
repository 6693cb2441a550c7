-- Per-user task numbers: each user's tasks are numbered 1, 2, 3… in creation order, and a
-- number is never handed out again after a delete. `id` stays the internal key; `number` is
-- the `task_id` / `id` the tools, the REST façade and the users see.
-- SQLite adds a NOT NULL column only with a default; every insert gives the number, and the
-- unique index below refuses a second task without one.
ALTER TABLE tasks ADD COLUMN number INTEGER NOT NULL DEFAULT 0;

-- Existing tasks get 1..n per user in their current id order.
UPDATE tasks SET number = numbered.number
FROM (
    SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY id) AS number FROM tasks
) AS numbered
WHERE tasks.id = numbered.id;

-- One task per (user, number); also a user's whole list in number order.
CREATE UNIQUE INDEX tasks_user_number_idx ON tasks (user_id, number);
CREATE INDEX tasks_user_completed_number_idx ON tasks (user_id, completed, number);
DROP INDEX tasks_user_id_idx;
DROP INDEX tasks_user_completed_id_idx;

-- The last number handed out per user, bumped atomically by every add
-- (INSERT ... ON CONFLICT (user_id) DO UPDATE ... RETURNING) in the add's transaction.
CREATE TABLE task_counters (
    user_id     TEXT    PRIMARY KEY,
    last_number INTEGER NOT NULL
);

-- Counters start after the existing tasks.
INSERT INTO task_counters (user_id, last_number)
SELECT user_id, MAX(number) FROM tasks GROUP BY user_id;
