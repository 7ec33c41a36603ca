-- Remembers the Checkout Session that now carries a request's payment link, only in place of the one the caller
-- found (compare-and-set): two callers that renewed an expired link at once keep one of them.
-- KEYS[1] genreq:{sN}:{id}   ARGV[1] the session id the caller found ('' none)   ARGV[2] new session id   ARGV[3] its url
-- Returns {1 stored | 0 not (paid meanwhile, or another session stored first) | -1 unknown, the fields}
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return {-1, {}}
end
if status ~= 'awaiting_payment' or redis.call('HGET', KEYS[1], 'sessionId') ~= ARGV[1] then
  return {0, redis.call('HGETALL', KEYS[1])}
end
redis.call('HSET', KEYS[1], 'sessionId', ARGV[2], 'paymentLink', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'checkouts', 1)
redis.call('HINCRBY', KEYS[1], 'version', 1)
return {1, redis.call('HGETALL', KEYS[1])}
