-- How many conversations each user has, kept by triggers on every insert and delete, so the
-- quota check of a new conversation reads one row instead of counting the user's conversations.
CREATE TABLE conversation_counts (
    user_id       TEXT    PRIMARY KEY,
    conversations INTEGER NOT NULL
);

INSERT INTO conversation_counts (user_id, conversations)
    SELECT user_id, COUNT(*) FROM conversations GROUP BY user_id;

CREATE TRIGGER conversations_counted_insert AFTER INSERT ON conversations
BEGIN
    INSERT INTO conversation_counts (user_id, conversations) VALUES (NEW.user_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET conversations = conversations + 1;
END;

CREATE TRIGGER conversations_counted_delete AFTER DELETE ON conversations
BEGIN
    UPDATE conversation_counts SET conversations = conversations - 1
    WHERE user_id = OLD.user_id;
END;
