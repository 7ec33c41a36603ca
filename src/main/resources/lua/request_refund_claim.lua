-- The refund sweep's look at one paid request: a completed one, or one whose refund is settled, leaves the watch;
-- one still running goes to the back of it; a failed one owes its refund, which is leased to the caller.
-- A failed paid request not yet marked owed is marked here, so no failure path can skip the refund.
-- KEYS[1] genreq:{sN}:{id}   KEYS[2] genreq:paid:{sN}   ARGV[1] id   ARGV[2] now (ms)   ARGV[3] lease (ms)
-- Returns {0 nothing to do | 1 leased, changed (1 marked owed now), paymentIntent, amount, currency, attempt}
local now = tonumber(ARGV[2])
local status = redis.call('HGET', KEYS[1], 'status')
if not status or status == 'completed' then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return {0}
end
if status ~= 'failed' then
  redis.call('ZADD', KEYS[2], now, ARGV[1])
  return {0}
end
local refund = redis.call('HGET', KEYS[1], 'refund')
if refund == 'succeeded' or refund == 'failed' then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return {0}
end
local changed = 0
if refund ~= 'owed' then
  redis.call('HSET', KEYS[1], 'refund', 'owed')
  redis.call('HINCRBY', KEYS[1], 'version', 1)
  changed = 1
end
local lease = tonumber(redis.call('HGET', KEYS[1], 'refundLease') or '0')
if lease > now then
  return {0, changed}
end
redis.call('HSET', KEYS[1], 'refundLease', tostring(now + tonumber(ARGV[3])))
local attempt = redis.call('HINCRBY', KEYS[1], 'refundAttempts', 1)
redis.call('ZADD', KEYS[2], now, ARGV[1])
return {1, changed, redis.call('HGET', KEYS[1], 'paymentIntent') or '', redis.call('HGET', KEYS[1], 'amount'),
        redis.call('HGET', KEYS[1], 'currency'), attempt}
