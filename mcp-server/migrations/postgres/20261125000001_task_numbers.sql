-- Per-user task numbers: each user's tasks are numbered 1, 2, 3… in creation order, and a
-- number is never handed out again after a delete. `id` stays the internal key; `number` is
-- the `task_id` / `id` the tools, the REST façade and the users see.
ALTER TABLE tasks ADD COLUMN number BIGINT;

-- Existing tasks get 1..n per user in their current id order.
UPDATE tasks SET number = numbered.number
FROM (
    SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY id) AS number FROM tasks
) AS numbered
WHERE tasks.id = numbered.id;

ALTER TABLE tasks ALTER COLUMN number SET NOT NULL;

-- One task per (user, number); also a user's whole list in number order.
CREATE UNIQUE INDEX tasks_user_number_idx ON tasks (user_id, number);
CREATE INDEX tasks_user_completed_number_idx ON tasks (user_id, completed, number);
DROP INDEX tasks_user_id_idx;
DROP INDEX tasks_user_completed_id_idx;

-- The last number handed out per user, bumped atomically by every add
-- (INSERT ... ON CONFLICT (user_id) DO UPDATE ... RETURNING) in the add's transaction.
CREATE TABLE task_counters (
    user_id     TEXT   PRIMARY KEY,
    last_number BIGINT NOT NULL
);

-- Counters start after the existing tasks.
INSERT INTO task_counters (user_id, last_number)
SELECT user_id, MAX(number) FROM tasks GROUP BY user_id;
