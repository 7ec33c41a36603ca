-- A request that cannot be made: queued or processing -> failed with a reason. One that was paid for (an amount
-- above 0 that reached queued) owes its refund from this same step, so no failure is ever left unrefunded.
-- KEYS[1] genreq:{sN}:{id}   KEYS[2] genreq:{sN}:{id}:lines   KEYS[3] genreq:open:{sN}:{hostname}:{provider}   (one shard)
-- ARGV[1] the reason   ARGV[2] now (ms)
-- Returns {'failed', field, value, ...} or {<status>}
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'queued' and status ~= 'processing' then
  return {status or 'missing'}
end
local id = redis.call('HGET', KEYS[1], 'id')
redis.call('HSET', KEYS[1], 'status', 'failed', 'error', ARGV[1], 'endedAt', ARGV[2])
local refund = redis.call('HGET', KEYS[1], 'refund')
if tonumber(redis.call('HGET', KEYS[1], 'amount') or '0') > 0 and (refund == false or refund == '' or refund == 'none') then
  redis.call('HSET', KEYS[1], 'refund', 'owed')
end
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('DEL', KEYS[2])
if redis.call('GET', KEYS[3]) == id then
  redis.call('DEL', KEYS[3])
end
local answer = {'failed'}
for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do
  answer[#answer + 1] = v
end
return answer
