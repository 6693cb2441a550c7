-- The model's memo for an assistant reply (JSON): an open question waiting for "yes" or "the
-- second one", the numbered list it showed, the task it talked about, how to undo its changes.
-- Kept with the reply so any replica, or a restarted one, continues the conversation.
ALTER TABLE messages ADD COLUMN memo TEXT;
