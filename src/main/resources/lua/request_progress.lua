-- Progress of a request being processed; never backwards, never after it ended.
-- KEYS[1] genreq:{sN}:{id}   ARGV[1] done   ARGV[2] total
-- Returns {'changed', field, value, ...} or {'unchanged'}
if redis.call('HGET', KEYS[1], 'status') ~= 'processing'
    or tonumber(ARGV[1]) <= tonumber(redis.call('HGET', KEYS[1], 'done') or '0') then
  return {'unchanged'}
end
redis.call('HSET', KEYS[1], 'done', ARGV[1], 'total', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'version', 1)
local answer = {'changed'}
for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do
  answer[#answer + 1] = v
end
return answer
