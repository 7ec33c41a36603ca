-- Claims the causes of e-mail that are due: each is leased (its score moves to the lease's end) so that other
-- nodes skip it while this one sends. A cause already sent is removed instead: a repeat enqueue sends nothing.
-- KEYS[1] mail:outbox:{sN}   KEYS[2] mail:attempts:{sN}   (mail:sent:{sN}:{cause} is built with that tag)
-- ARGV[1] now (ms)   ARGV[2] lease end (ms)   ARGV[3] at most this many
-- Returns {{cause, attempts so far}...}, {causes removed as already sent...}
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local tag = string.match(KEYS[1], '{[^}]*}')
local claimed, skipped = {}, {}
for _, cause in ipairs(due) do
  if redis.call('EXISTS', 'mail:sent:' .. tag .. ':' .. cause) == 1 then
    redis.call('ZREM', KEYS[1], cause)
    redis.call('HDEL', KEYS[2], cause)
    table.insert(skipped, cause)
  else
    redis.call('ZADD', KEYS[1], 'XX', ARGV[2], cause)
    table.insert(claimed, {cause, redis.call('HGET', KEYS[2], cause) or '0'})
  end
end
return {claimed, skipped}
