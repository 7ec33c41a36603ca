-- An owed refund settled: succeeded (Stripe made it) or failed (Stripe refused for good). Only from owed, once.
-- KEYS[1] genreq:{sN}:{id}   KEYS[2] genreq:paid:{sN}   ARGV[1] id   ARGV[2] succeeded|failed   ARGV[3] refund id
-- ARGV[4] why it failed ('' none)
-- Returns {1 recorded | 0 not owed | -1 unknown, the fields}
local refund = redis.call('HGET', KEYS[1], 'refund')
if not refund then
  return {-1, {}}
end
if refund ~= 'owed' then
  return {0, redis.call('HGETALL', KEYS[1])}
end
redis.call('HSET', KEYS[1], 'refund', ARGV[2], 'refundId', ARGV[3], 'refundError', ARGV[4], 'refundLease', '0')
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('ZREM', KEYS[2], ARGV[1])
return {1, redis.call('HGETALL', KEYS[1])}
