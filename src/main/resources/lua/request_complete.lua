-- A request's document is done: processing -> completed, the document stored beside it (same lifetime), the
-- per-page lines dropped and the hostname free for a new request.
-- KEYS[1] genreq:{sN}:{id}   KEYS[2] genreq:{sN}:{id}:result   KEYS[3] genreq:{sN}:{id}:lines
-- KEYS[4] genreq:open:{sN}:{hostname}:{provider}   (the request's shard)
-- ARGV[1] the document   ARGV[2] total   ARGV[3] now (ms)
-- Returns {'completed', field, value, ...} or {<status>}
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'processing' then
  return {status or 'missing'}
end
local id = redis.call('HGET', KEYS[1], 'id')
redis.call('HSET', KEYS[1], 'status', 'completed', 'done', ARGV[2], 'total', ARGV[2], 'endedAt', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('SET', KEYS[2], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[2], ttl)
end
redis.call('DEL', KEYS[3])
if redis.call('GET', KEYS[4]) == id then
  redis.call('DEL', KEYS[4])
end
local answer = {'completed'}
for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do
  answer[#answer + 1] = v
end
return answer
