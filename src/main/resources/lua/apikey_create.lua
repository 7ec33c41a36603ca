-- Stores a new API key under its hash and lists it with its account.
-- KEYS[1] apikey:{sN}:{sha256(key)}   KEYS[2] account:keys:{sN}:{accountId} (key id -> key hash)
-- (keys are minted so that their hash falls in their account's shard: one tag)
-- ARGV[1] key id   ARGV[2] account id   ARGV[3] name   ARGV[4] prefix   ARGV[5] createdAt   ARGV[6] key hash
-- Returns 1, or 0 when that hash is already a key (a collision of 256 random bits: never in practice).
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'accountId', ARGV[2], 'name', ARGV[3], 'prefix', ARGV[4],
  'createdAt', ARGV[5], 'lastUsedAt', '')
redis.call('HSET', KEYS[2], ARGV[1], ARGV[6])
return 1
