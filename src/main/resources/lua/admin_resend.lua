-- An admin sends an ended order's message again: a new cause per resend (order-ended:{id}:resend:{n}), so the
-- outbox sends it although the first went out, in the order's shard like the first.
-- KEYS[1] session:{sN}:{id}   KEYS[2] mail:outbox:{sN}
-- ARGV[1] now (ms)   ARGV[2] the order id
-- Returns {1, cause}, {-1} unknown, {-3, status} not ended, {-5} no e-mail address
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return {-1}
end
if status ~= 'completed' and status ~= 'error' then
  return {-3, status}
end
if (redis.call('HGET', KEYS[1], 'email') or '') == '' then
  return {-5}
end
local n = redis.call('HINCRBY', KEYS[1], 'mailResends', 1)
local cause = 'order-ended:' .. ARGV[2] .. ':resend:' .. n
redis.call('ZADD', KEYS[2], 'NX', ARGV[1], cause)
return {1, cause}
