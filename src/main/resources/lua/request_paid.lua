-- Stripe says a request's Checkout Session is paid: awaiting_payment -> queued and its one job, all or nothing.
-- Whoever comes later (the webhook, the next POST, a page's sync) finds it queued and changes nothing.
-- KEYS[1] genreq:{sN}:{id}   KEYS[2] jobs:{sN}:requests   KEYS[3] genreq:paid:{sN}
-- ARGV[1] id   ARGV[2] session id   ARGV[3] payment intent   ARGV[4] amount paid (cents)   ARGV[5] currency
-- ARGV[6] now (ms)
-- Returns {1 queued now | 0 not awaiting payment | -1 unknown | -2 not what was asked for, the fields}
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return {-1, {}}
end
if status ~= 'awaiting_payment' then
  return {0, redis.call('HGETALL', KEYS[1])}
end
if tonumber(redis.call('HGET', KEYS[1], 'amount')) ~= tonumber(ARGV[4])
    or redis.call('HGET', KEYS[1], 'currency') ~= ARGV[5] then
  return {-2, redis.call('HGETALL', KEYS[1])}
end
redis.call('HSET', KEYS[1], 'status', 'queued', 'sessionId', ARGV[2], 'paymentIntent', ARGV[3],
           'paidAt', ARGV[6], 'queuedAt', ARGV[6])
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('XADD', KEYS[2], '*', 'requestId', ARGV[1])
-- Watched by the refund sweep until it completes or its refund is settled.
redis.call('ZADD', KEYS[3], ARGV[6], ARGV[1])
return {1, redis.call('HGETALL', KEYS[1])}
