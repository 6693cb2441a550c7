-- How many conversations each user has, kept by a trigger on every insert and delete, so the
-- quota check of a new conversation reads one row. Counting the user's conversations instead
-- cost more with each one (about 2 ms at 5,000) on every conversation started.
-- The trigger is deferred to commit: the user's count row stays locked only while the
-- transaction commits, not while the turn's other statements run.
-- Concurrent writers wait until the counts are filled and the trigger is in place.
LOCK TABLE conversations IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE conversation_counts (
    user_id       TEXT   PRIMARY KEY,
    conversations BIGINT NOT NULL
);

INSERT INTO conversation_counts (user_id, conversations)
    SELECT user_id, COUNT(*) FROM conversations GROUP BY user_id;

CREATE FUNCTION count_conversations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO conversation_counts (user_id, conversations) VALUES (NEW.user_id, 1)
        ON CONFLICT (user_id)
        DO UPDATE SET conversations = conversation_counts.conversations + 1;
    ELSE
        UPDATE conversation_counts SET conversations = conversations - 1
        WHERE user_id = OLD.user_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER conversations_counted AFTER INSERT OR DELETE ON conversations
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION count_conversations();
