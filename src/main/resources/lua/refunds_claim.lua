-- Takes owed refunds that are due, each leased to the caller: its next try is pushed on, longer after each
-- try, so a node that dies mid-call leaves the refund to whoever comes after the lease.
-- KEYS[1] refunds:owed:{sN}   (files and orders of that shard: their keys are built with its tag)
-- ARGV[1] now (ms)   ARGV[2] lease (ms), doubled per earlier try up to 64 times   ARGV[3] at most this many
-- ARGV[4] one file id to take if it is due ('' for any)
-- Returns {{fileId, sessionId, amount, currency, paymentIntent, attempt, accountId}, ...} (accountId '' for a card order)
local now = tonumber(ARGV[1])
local due
if ARGV[4] ~= '' then
  local score = redis.call('ZSCORE', KEYS[1], ARGV[4])
  due = (score and tonumber(score) <= now) and {ARGV[4]} or {}
else
  due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
end
local tag = tag_of(KEYS[1])
local taken = {}
for _, file_id in ipairs(due) do
  local file_key = file_key_in(tag, file_id)
  if redis.call('HGET', file_key, 'refundStatus') ~= 'owed' then
    redis.call('ZREM', KEYS[1], file_id)
  else
    local session_id = redis.call('HGET', file_key, 'sessionId')
    local attempt = redis.call('HINCRBY', file_key, 'refundAttempts', 1)
    local session_key = session_key_in(tag, session_id)
    local credits = redis.call('HGET', session_key, 'kind') == 'credits'
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]) * 2 ^ math.min(attempt - 1, 6), file_id)
    table.insert(taken, {file_id, session_id, redis.call('HGET', file_key, 'refundAmount'),
                         redis.call('HGET', file_key, 'refundCurrency'),
                         redis.call('HGET', session_key, 'paymentIntent') or '', tostring(attempt),
                         credits and (redis.call('HGET', session_key, 'accountId') or '') or ''})
  end
end
return taken
