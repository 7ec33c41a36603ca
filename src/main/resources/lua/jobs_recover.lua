-- Finds files still being made whose job is no longer in its stream (the stream or its group was deleted,
-- or an entry vanished before any worker read it) and queues them again, in the stream the file names
-- (jobStream: the priority stream for plans that have it; none named means the normal one). A file whose entry
-- is still there is left to its worker, or to XAUTOCLAIM if that worker died. Every check pushes the file's
-- next check on.
-- KEYS[1] files:active:{sN}   KEYS[2] jobs:{sN}:generation   KEYS[3] jobs:{sN}:generation:priority (one shard)
-- ARGV[1] now (ms)   ARGV[2] check files not checked for this long (ms)   ARGV[3] at most this many files
-- Returns the ids of the files queued again.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]),
                       'LIMIT', 0, tonumber(ARGV[3]))
local tag = tag_of(KEYS[1])
local requeued = {}
for _, file_id in ipairs(due) do
  local file_key = file_key_in(tag, file_id)
  local status = redis.call('HGET', file_key, 'status')
  if not status or status == 'completed' or status == 'failed' or status == 'timeout' then
    redis.call('ZREM', KEYS[1], file_id)
  else
    local entry = redis.call('HGET', file_key, 'jobEntry')
    local stream = KEYS[2]
    if redis.call('HGET', file_key, 'jobStream') == KEYS[3] then
      stream = KEYS[3]
    end
    local present = entry and #redis.call('XRANGE', stream, entry, entry) > 0
    if not present then
      local session_id = redis.call('HGET', file_key, 'sessionId')
      local new_entry = redis.call('XADD', stream, '*', 'sessionId', session_id, 'fileId', file_id)
      redis.call('HSET', file_key, 'jobEntry', new_entry)
      table.insert(requeued, file_id)
    end
    redis.call('ZADD', KEYS[1], ARGV[1], file_id)
  end
end
return requeued
