-- Stripe sandbox: a refund against a payment intent, never more than is left of what was paid, once per
-- Idempotency-Key (a retried create answers the refund the first one made).
-- KEYS[1] sandbox:stripe:pi:{sN}:{id}   KEYS[2] sandbox:stripe:re:{sN}:{new id}   KEYS[3] sandbox:stripe:refunds:{sN}:{pi id}
-- KEYS[4] sandbox:stripe:idempotency:{sN}:refund:{key} (absent without a key)   (all the payment intent's shard)
-- ARGV[1] new refund id   ARGV[2] amount ('' for all that is left)   ARGV[3] metadata JSON   ARGV[4] created (s)
-- ARGV[5] ttl (s)   ARGV[6] the payment intent id
-- Returns {1, id} created, {0, id} an earlier request with this key made it, {-1} no such payment intent,
-- {-2, left} the amount is more than is left to refund.
if KEYS[4] then
  local earlier = redis.call('GET', KEYS[4])
  if earlier then
    return {0, earlier}
  end
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {-1}
end
local paid = tonumber(redis.call('HGET', KEYS[1], 'amount'))
local left = paid - tonumber(redis.call('HGET', KEYS[1], 'refunded'))
local amount = ARGV[2] == '' and left or tonumber(ARGV[2])
if amount > left or amount < 1 then
  return {-2, left}
end
redis.call('HINCRBY', KEYS[1], 'refunded', amount)
local pi_id = ARGV[6]
redis.call('HSET', KEYS[2], 'id', ARGV[1], 'amount', tostring(amount),
           'currency', redis.call('HGET', KEYS[1], 'currency'), 'payment_intent', pi_id,
           'charge', redis.call('HGET', KEYS[1], 'charge'), 'metadata', ARGV[3], 'status', 'succeeded',
           'created', ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('RPUSH', KEYS[3], ARGV[1])
redis.call('EXPIRE', KEYS[3], ARGV[5])
if KEYS[4] then
  redis.call('SET', KEYS[4], ARGV[1], 'EX', ARGV[5])
end
return {1, ARGV[1]}
