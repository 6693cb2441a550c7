-- Changes made under a caller's idempotency key (`tools/call` `_meta`
-- "io.todochatbot/idempotency-key", sent by todo-chat for every call of a turn): recorded in
-- the change's own transaction, so a call repeated after a crash or a retry answers the
-- recorded task instead of changing anything twice. Kept for a day.
CREATE TABLE idempotent_calls (
    user_id         TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    tool            TEXT NOT NULL,
    -- The task as the call answered it (JSON).
    task            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);
