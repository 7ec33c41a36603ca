-- The copy is complete and checked: the record says where it is, how big, and its SHA-256. Once only. It outlives
-- its order's TTL by ARGV[2] seconds, so the sweep (which deletes the objects first) always finds it.
-- KEYS[1] media:{fileId}   ARGV[1] now (ms)   ARGV[2] ttl (s)   ARGV[3..]: field, value pairs
if redis.call('HEXISTS', KEYS[1], 'storedAt') == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'storedAt', ARGV[1], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
