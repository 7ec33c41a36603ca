-- Stripe sandbox: move a Checkout Session out of 'open' once, whoever clicks or calls twice. A paid session
-- gets its payment intent and charge, holding what was paid, for refunds to be checked against.
-- KEYS[1] sandbox:stripe:cs:{sN}:{id}   KEYS[2] sandbox:stripe:pi:{sN}:{payment intent id} (only when paid; minted in
-- the session's shard)
-- ARGV[1] new status   ARGV[2] new payment_status   ARGV[3] payment intent id ('' for none)
-- ARGV[4] the payer's e-mail ('' for none)   ARGV[5] charge id   ARGV[6] ttl (s)
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return -1
end
if status ~= 'open' then
  return 0
end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'payment_status', ARGV[2], 'payment_intent', ARGV[3],
           'email', ARGV[4])
if KEYS[2] then
  local session = cjson.decode(redis.call('HGET', KEYS[1], 'body'))
  redis.call('HSET', KEYS[2], 'amount', tostring(session.amount_total), 'currency', session.currency,
             'refunded', '0', 'charge', ARGV[5], 'session', session.id)
  redis.call('EXPIRE', KEYS[2], ARGV[6])
end
return 1
