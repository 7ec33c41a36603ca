-- A send failed: the cause waits until ARGV[3] and counts the attempt. A cause no longer in the outbox (sent
-- or dropped meanwhile) stays gone.
-- KEYS[1] mail:outbox:{sN}   KEYS[2] mail:attempts:{sN}   (the cause's shard)
-- ARGV[1] cause   ARGV[2] attempts so far   ARGV[3] next try (ms)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[1], 'XX', ARGV[3], ARGV[1])
return 1
