-- The message of a cause was accepted by the mail server: remember it (a later enqueue of the same cause is
-- skipped) and take the cause out of the outbox, at once.
-- KEYS[1] mail:outbox:{sN}   KEYS[2] mail:attempts:{sN}   KEYS[3] mail:sent:{sN}:{cause}   (the cause's shard)
-- ARGV[1] cause   ARGV[2] now (ms)   ARGV[3] how long to remember it (s)
redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[3])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
