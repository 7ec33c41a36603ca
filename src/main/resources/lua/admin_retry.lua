-- An admin retries a failed or timed-out file: a new job for the same file id, queued in its shard's stream,
-- with a fresh provider Idempotency-Key (the old one would answer the failed generation again). Nothing is
-- charged. Its refund: one issued (or refused) stays, and the retry is a free redo; one owed and not leased to
-- an issuer is cancelled here, with the retry, so the buyer is not both refunded and served; one leased (a
-- Stripe call may be under way) refuses the retry until it settles.
-- KEYS[1] file:{sN}:{id}   KEYS[2] session:{sN}:{id}   KEYS[3] jobs:{sN}:generation   KEYS[4] files:active:{sN}
-- KEYS[5] refunds:owed:{sN}
-- ARGV[1] now (ms)   ARGV[2] the new provider key   (createdAt becomes now: the worker's deadline runs from it)
-- Returns snapshot(1, session) or {-1} unknown, {-3, status} not failed, {-4, refund status} refund under way.
local status = redis.call('HGET', KEYS[1], 'status')
if not status or redis.call('EXISTS', KEYS[2]) == 0 then
  return {-1}
end
if status ~= 'failed' and status ~= 'timeout' then
  return {-3, status}
end
local file_id = redis.call('HGET', KEYS[1], 'id')
if redis.call('HGET', KEYS[1], 'refundStatus') == 'owed' then
  local lease = redis.call('ZSCORE', KEYS[5], file_id)
  if lease and tonumber(lease) > tonumber(ARGV[1]) and tonumber(redis.call('HGET', KEYS[1], 'refundAttempts') or '0') > 0 then
    return {-4, 'owed'}
  end
  redis.call('HDEL', KEYS[1], 'refundStatus', 'refundAmount', 'refundCurrency', 'refundAttempts')
  redis.call('ZREM', KEYS[5], file_id)
end
local stream = redis.call('HGET', KEYS[1], 'jobStream') or KEYS[3]
redis.call('HSET', KEYS[1], 'status', 'pending', 'progress', '0', 'error', '', 'providerId', '',
           'providerKey', ARGV[2], 'url', '', 'thumbnailUrl', '', 'updatedAt', ARGV[1], 'createdAt', ARGV[1])
redis.call('HDEL', KEYS[1], 'startedAt')
redis.call('HINCRBY', KEYS[1], 'retries', 1)
redis.call('HINCRBY', KEYS[1], 'version', 1)
local entry = redis.call('XADD', stream, '*', 'sessionId', redis.call('HGET', KEYS[1], 'sessionId'), 'fileId', file_id)
redis.call('HSET', KEYS[1], 'jobEntry', entry)
redis.call('ZADD', KEYS[4], ARGV[1], file_id)
local session_status = redis.call('HGET', KEYS[2], 'status')
if session_status == 'error' or session_status == 'completed' then
  redis.call('HSET', KEYS[2], 'status', 'processing', 'error', '')
  redis.call('HDEL', KEYS[2], 'endedAt')
end
redis.call('HSET', KEYS[2], 'updatedAt', ARGV[1])
redis.call('HINCRBY', KEYS[2], 'version', 1)
return snapshot(1, KEYS[2])
