-- A refund moves: compare-and-set from the states the refund state machine allows (genpay.refunds.RefundFlow),
-- so a late or repeated word from Stripe never moves it back. The order's refunded total moves with it, and
-- file and session each get a new version.
-- KEYS[1] file:{sN}:{id}   KEYS[2] refunds:owed:{sN}   (the order's shard; the session key is built with its tag)
-- ARGV[1] now (ms)   ARGV[2] allowed current states, space-separated   ARGV[3] new state
-- ARGV[4] Stripe's refund id ('' keeps the stored one)   ARGV[5] states that count as refunded, space-separated
-- ARGV[6] why it failed ('' for none)
if redis.call('TYPE', KEYS[1])['ok'] == 'string' then
  return {-2, redis.call('GET', KEYS[1])}
end
local current = redis.call('HGET', KEYS[1], 'refundStatus')
local session_id = redis.call('HGET', KEYS[1], 'sessionId')
if not current or current == '' or not session_id or redis.call('EXISTS', session_key_in(tag_of(KEYS[1]), session_id)) == 0 then
  return {-1}
end
local session_key = session_key_in(tag_of(KEYS[1]), session_id)
local function listed(states, state)
  for candidate in string.gmatch(states, '%S+') do
    if candidate == state then
      return true
    end
  end
  return false
end
if current == ARGV[3] or not listed(ARGV[2], current) then
  if ARGV[4] ~= '' and not redis.call('HGET', KEYS[1], 'refundId') then
    redis.call('HSET', KEYS[1], 'refundId', ARGV[4])
  end
  return snapshot(0, session_key)
end
redis.call('HSET', KEYS[1], 'refundStatus', ARGV[3], 'updatedAt', ARGV[1])
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[1], 'refundId', ARGV[4])
end
if ARGV[6] ~= '' then
  redis.call('HSET', KEYS[1], 'refundError', ARGV[6])
end
local amount = tonumber(redis.call('HGET', KEYS[1], 'refundAmount'))
local was, is = listed(ARGV[5], current), listed(ARGV[5], ARGV[3])
if is and not was then
  redis.call('HINCRBY', session_key, 'refundedAmount', amount)
elseif was and not is then
  redis.call('HINCRBY', session_key, 'refundedAmount', -amount)
end
if current == 'owed' then
  redis.call('ZREM', KEYS[2], redis.call('HGET', KEYS[1], 'id'))
end
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HINCRBY', session_key, 'version', 1)
redis.call('HSET', session_key, 'updatedAt', ARGV[1])
return snapshot(1, session_key)
