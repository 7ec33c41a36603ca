-- An order paid with credits (spent before this runs): stored already processing, with its N files and their
-- jobs, all or nothing. The jobs go to the stream the account's plan is served from; each file names it
-- (jobStream), so a lost job is queued again there. Keyed by the order id: a repeat (the caller's earlier try landed after it gave up)
-- changes nothing and answers the order as stored, so the caller may retry without a second order.
-- KEYS[1] session:{sN}:{ord_id}   KEYS[2] jobs:{sN}:generation or jobs:{sN}:generation:priority
-- KEYS[3] files:active:{sN}   (file ids are minted in the order's shard: file:{sN}:{id})
-- ARGV[1] order id   ARGV[2] now (ms)   ARGV[3] ttl (s)   ARGV[4] file type   ARGV[5] N
-- ARGV[6..5+N] fresh file ids   ARGV[6+N..] field, value pairs of the order
if redis.call('EXISTS', KEYS[1]) == 1 then
  return snapshot(0, KEYS[1])
end
local count = tonumber(ARGV[5])
local ids = {}
for i = 1, count do
  local file_id = ARGV[5 + i]
  ids[i] = file_id
  local file_key = file_key_in(tag_of(KEYS[1]), file_id)
  redis.call('HSET', file_key, 'id', file_id, 'sessionId', ARGV[1], 'index', tostring(i), 'type', ARGV[4],
             'status', 'pending', 'progress', '0', 'version', '1', 'error', '',
             'createdAt', ARGV[2], 'updatedAt', ARGV[2])
  redis.call('EXPIRE', file_key, ARGV[3])
  local entry = redis.call('XADD', KEYS[2], '*', 'sessionId', ARGV[1], 'fileId', file_id)
  redis.call('HSET', file_key, 'jobEntry', entry, 'jobStream', KEYS[2])
  redis.call('ZADD', KEYS[3], ARGV[2], file_id)
end
local fields = {'status', 'processing', 'version', '1', 'fileIds', cjson.encode(ids), 'error', '',
                'createdAt', ARGV[2], 'updatedAt', ARGV[2], 'paidAt', ARGV[2]}
for i = 6 + count, #ARGV do
  table.insert(fields, ARGV[i])
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('EXPIRE', KEYS[1], ARGV[3])
index_order(KEYS[1], ARGV[1], ARGV[2], ARGV[3])
return snapshot(1, KEYS[1])
