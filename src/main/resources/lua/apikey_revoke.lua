-- Revokes one API key of an account: the key stops working at once and leaves the account's list.
-- KEYS[1] account:keys:{sN}:{accountId}   KEYS[2] apikey:{sN}:{sha256(key)} as the list said a moment ago
-- ARGV[1] key id   ARGV[2] that key hash
-- Returns 1 when revoked, 0 when the account has no such key (or it changed meanwhile).
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
  return 0
end
redis.call('DEL', KEYS[2])
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
