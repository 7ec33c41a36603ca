-- A status change that carries no jobs (expired, payment failed). Not allowed from here: no-op.
-- KEYS[1] session:{sN}:{id}   KEYS[2] sessions:pending:{sN}
-- ARGV[1] session id   ARGV[2] now (ms)   ARGV[3] allowed current statuses, space-separated
-- ARGV[4] new status   ARGV[5] error shown to the user ('' for none)
-- ARGV[6] stripe:event:{sN}:{id} or ''   ARGV[7] ttl (s) of the event marker   ARGV[8] the event's type
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return {-1}
end
if seen_event(ARGV[6]) then
  return snapshot(2, KEYS[1])
end
local allowed = false
for candidate in string.gmatch(ARGV[3], '%S+') do
  if candidate == status then
    allowed = true
  end
end
remember_event(ARGV[6], ARGV[7])
record_event(KEYS[1], ARGV[1], ARGV[6], ARGV[8], ARGV[2], ARGV[7])
if not allowed then
  return snapshot(0, KEYS[1])
end
redis.call('HSET', KEYS[1], 'status', ARGV[4], 'error', ARGV[5], 'updatedAt', ARGV[2], 'endedAt', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'version', 1)
if status == 'pending' then
  redis.call('ZREM', KEYS[2], ARGV[1])
end
return snapshot(1, KEYS[1])
