-- A worker takes a generation request: queued -> processing, with its page count. A request already processing
-- (a claimer resuming a dead worker's job) is answered as it is; any other state is left alone.
-- KEYS[1] genreq:{sN}:{id}   ARGV[1] total pages   ARGV[2] now (ms)
-- Returns {outcome, field, value, ...}: outcome started | resumed | <status> | missing
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'missing'}
end
local status = redis.call('HGET', KEYS[1], 'status')
local outcome = status
if status == 'queued' then
  redis.call('HSET', KEYS[1], 'status', 'processing', 'total', ARGV[1], 'done', '0', 'startedAt', ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'version', 1)
  outcome = 'started'
elseif status == 'processing' then
  outcome = 'resumed'
end
local answer = {outcome}
for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do
  answer[#answer + 1] = v
end
return answer
