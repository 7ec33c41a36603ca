-- Stripe sandbox: move a Checkout Session out of 'open' once, whoever clicks or calls twice.
-- KEYS[1] sandbox:stripe:cs:{id}
-- ARGV[1] new status   ARGV[2] new payment_status   ARGV[3] payment intent id ('' for none)
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return -1
end
if status ~= 'open' then
  return 0
end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'payment_status', ARGV[2], 'payment_intent', ARGV[3])
return 1
