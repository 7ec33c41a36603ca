-- KEYS[1] session:{sN}:{id}   KEYS[2] sessions:pending:{sN}
-- ARGV[1] session id   ARGV[2] now (ms)   ARGV[3] ttl (s)   ARGV[4..] field, value pairs of the order
if redis.call('EXISTS', KEYS[1]) == 1 then
  return snapshot(0, KEYS[1])
end
local fields = {'status', 'pending', 'version', '1', 'fileIds', '[]', 'error', '',
                'createdAt', ARGV[2], 'updatedAt', ARGV[2]}
for i = 4, #ARGV do
  table.insert(fields, ARGV[i])
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
index_order(KEYS[1], ARGV[1], ARGV[2], ARGV[3])
return snapshot(1, KEYS[1])
