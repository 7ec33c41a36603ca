-- A cause with nothing to send (no address, or the order is gone) leaves the outbox with its attempt count.
-- KEYS[1] mail:outbox:{sN}   KEYS[2] mail:attempts:{sN}   (the cause's shard)
-- ARGV[1] cause
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
