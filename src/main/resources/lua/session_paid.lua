-- Payment confirmed: pending -> processing and the order's N generation jobs, all or nothing.
-- Each file remembers its job's entry id, and joins files:active until it ends, so a job lost with its
-- stream (deleted, or never delivered) is found and queued again.
-- KEYS[1] session:{sN}:{id}   KEYS[2] sessions:pending:{sN}   KEYS[3] jobs:{sN}:generation   KEYS[4] files:active:{sN}
-- KEYS[5] orders:email:{sN}:{sha256 of the e-mail in ARGV[5]} (the admin console's index, in the order's shard)
-- ARGV[1] session id   ARGV[2] now (ms)   ARGV[3] ttl (s)   ARGV[4] stripe:event:{sN}:{id} or ''
-- ARGV[5] the buyer's e-mail ('' unknown)   ARGV[6] the payment intent ('' unknown: nothing to refund against)
-- ARGV[7..] fresh file ids of the order's shard, at least videoCount of them   ARGV[#ARGV] the event's type
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return {-1}
end
if seen_event(ARGV[4]) then
  return snapshot(2, KEYS[1])
end
-- What a later word of Stripe adds (an e-mail, the payment intent) is kept, without a new version.
for field, value in pairs({email = ARGV[5], paymentIntent = ARGV[6]}) do
  if value ~= '' then
    redis.call('HSETNX', KEYS[1], field, value)
  end
end
-- The order joins its address's index with the payment that names it, never apart from it. A later event
-- naming another address indexes nothing: the order keeps its first one.
if ARGV[5] ~= '' and redis.call('HGET', KEYS[1], 'email') == ARGV[5] then
  redis.call('ZADD', KEYS[5], redis.call('HGET', KEYS[1], 'createdAt') or ARGV[2], ARGV[1])
  redis.call('EXPIRE', KEYS[5], ARGV[3])
end
record_event(KEYS[1], ARGV[1], ARGV[4], ARGV[#ARGV], ARGV[2], ARGV[3])
if status ~= 'pending' then
  remember_event(ARGV[4], ARGV[3])
  return snapshot(0, KEYS[1])
end
local count = tonumber(redis.call('HGET', KEYS[1], 'videoCount'))
local ids = {}
for i = 1, count do
  local file_id = ARGV[6 + i]
  ids[i] = file_id
  local file_key = file_key_in(tag_of(KEYS[1]), file_id)
  redis.call('HSET', file_key, 'id', file_id, 'sessionId', ARGV[1], 'index', tostring(i),
             'status', 'pending', 'progress', '0', 'version', '1', 'error', '',
             'createdAt', ARGV[2], 'updatedAt', ARGV[2])
  redis.call('EXPIRE', file_key, ARGV[3])
  local entry = redis.call('XADD', KEYS[3], '*', 'sessionId', ARGV[1], 'fileId', file_id)
  redis.call('HSET', file_key, 'jobEntry', entry)
  redis.call('ZADD', KEYS[4], ARGV[2], file_id)
end
redis.call('HSET', KEYS[1], 'status', 'processing', 'fileIds', cjson.encode(ids),
           'paidAt', ARGV[2], 'updatedAt', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('ZREM', KEYS[2], ARGV[1])
remember_event(ARGV[4], ARGV[3])
return snapshot(1, KEYS[1])
