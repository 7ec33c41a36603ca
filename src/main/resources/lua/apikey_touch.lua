-- Records when an API key was last used, unless it was revoked meanwhile (HSET alone would bring it back).
-- KEYS[1] apikey:{sN}:{sha256(key)}   ARGV[1] lastUsedAt (ISO-8601)
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], 'lastUsedAt', ARGV[1])
return 1
