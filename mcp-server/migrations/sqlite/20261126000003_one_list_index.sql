-- Every list reads one user's tasks in number order through tasks_user_number_idx, filtering
-- on `completed` as it goes (the status filter is one statement, `$2 IS NULL OR completed =
-- $2`, which the (user_id, completed, number) index cannot serve). Without that index an add
-- maintains one index fewer, and completing or reopening a task no longer touches an index.
DROP INDEX tasks_user_completed_number_idx;
