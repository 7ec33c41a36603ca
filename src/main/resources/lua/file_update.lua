-- One file's progress at the provider. Moves only forward (pending -> in_progress -> terminal), progress
-- never falls, a terminal file never changes. When the last file ends, the session ends with it.
-- A card-paid file that ends failed or timed out owes its buyer that video's price: the refund is recorded
-- here, with the end, and issued from refunds:owed; a credit order's file owes its share of credits the same way. A session that ends puts its e-mail in the outbox.
-- KEYS[1] file:{sN}:{id}   KEYS[2] session:{sN}:{id}   KEYS[3] files:active:{sN}   KEYS[4] refunds:owed:{sN}
-- KEYS[5] mail:outbox:{sN}   (all of the order's shard)
-- ARGV[1] now (ms)   ARGV[2] status   ARGV[3] progress 0-100   ARGV[4] url   ARGV[5] thumbnail url
-- ARGV[6] error ('' for none)   ARGV[7] provider id ('' keeps the stored one)
local rank = {pending = 0, in_progress = 1, completed = 2, failed = 2, timeout = 2}
local current = redis.call('HGET', KEYS[1], 'status')
if not current or redis.call('EXISTS', KEYS[2]) == 0 then
  return {-1}
end
if rank[current] == 2 or rank[ARGV[2]] < rank[current] then
  return snapshot(0, KEYS[2])
end
local progress = tonumber(redis.call('HGET', KEYS[1], 'progress') or '0')
local wanted = tonumber(ARGV[3])
if ARGV[2] == 'completed' then
  wanted = 100
end
if wanted < progress then
  wanted = progress
end
local provider_id = redis.call('HGET', KEYS[1], 'providerId') or ''
local new_provider_id = ARGV[7] ~= '' and ARGV[7] or provider_id
if ARGV[2] == current and wanted == progress and new_provider_id == provider_id then
  return snapshot(0, KEYS[2])
end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'progress', tostring(wanted), 'updatedAt', ARGV[1],
           'providerId', new_provider_id)
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[1], 'url', ARGV[4])
end
if ARGV[5] ~= '' then
  redis.call('HSET', KEYS[1], 'thumbnailUrl', ARGV[5])
end
if ARGV[6] ~= '' then
  redis.call('HSET', KEYS[1], 'error', ARGV[6])
end
if current == 'pending' and ARGV[2] ~= 'pending' then
  redis.call('HSET', KEYS[1], 'startedAt', ARGV[1])
end
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HINCRBY', KEYS[2], 'version', 1)
if rank[ARGV[2]] == 2 then
  redis.call('ZREM', KEYS[3], redis.call('HGET', KEYS[1], 'id'))
end
redis.call('HSET', KEYS[2], 'updatedAt', ARGV[1])
if rank[ARGV[2]] == 2 and redis.call('HGET', KEYS[2], 'status') == 'processing' then
  local ids = cjson.decode(redis.call('HGET', KEYS[2], 'fileIds'))
  local ended, failed = 0, 0
  for _, file_id in ipairs(ids) do
    local status = redis.call('HGET', file_key_in(tag_of(KEYS[2]), file_id), 'status')
    if rank[status] == 2 then
      ended = ended + 1
      if status ~= 'completed' then
        failed = failed + 1
      end
    end
  end
  if ended == #ids then
    redis.call('HSET', KEYS[2], 'endedAt', ARGV[1])
    if failed == 0 then
      redis.call('HSET', KEYS[2], 'status', 'completed')
    else
      redis.call('HSET', KEYS[2], 'status', 'error',
                 'error', failed .. ' of ' .. #ids .. ' ' .. (redis.call('HGET', KEYS[2], 'type') or 'video')
                   .. '(s) could not be generated.')
    end
    if (redis.call('HGET', KEYS[2], 'email') or '') ~= '' then
      redis.call('ZADD', KEYS[5], 'NX', ARGV[1], 'order-ended:' .. redis.call('HGET', KEYS[2], 'sessionId'))
    end
  end
end
-- A file retried by an admin (genpay.admin) keeps the refund it already has: it is never owed twice.
local refunded_before = (redis.call('HGET', KEYS[1], 'refundStatus') or '') ~= ''
if refunded_before then
  -- nothing more is owed
elseif (ARGV[2] == 'failed' or ARGV[2] == 'timeout') and (redis.call('HGET', KEYS[2], 'paymentIntent') or '') ~= '' then
  local paid = tonumber(redis.call('HGET', KEYS[2], 'amountTotal') or '0') or 0
  local unit = math.floor(paid / tonumber(redis.call('HGET', KEYS[2], 'videoCount')))
  if unit > 0 then
    redis.call('HSET', KEYS[1], 'refundStatus', 'owed', 'refundAmount', tostring(unit),
               'refundCurrency', redis.call('HGET', KEYS[2], 'currency') or '')
    redis.call('ZADD', KEYS[4], 'NX', ARGV[1], redis.call('HGET', KEYS[1], 'id'))
  end
elseif (ARGV[2] == 'failed' or ARGV[2] == 'timeout') and redis.call('HGET', KEYS[2], 'kind') == 'credits' then
  -- A credit order gives that file's share of the spend back, issued from refunds:owed like a card refund.
  local unit = tonumber(redis.call('HGET', KEYS[2], 'unitCost') or '0') or 0
  if unit > 0 then
    redis.call('HSET', KEYS[1], 'refundStatus', 'owed', 'refundAmount', tostring(unit), 'refundCurrency', 'credits')
    redis.call('ZADD', KEYS[4], 'NX', ARGV[1], redis.call('HGET', KEYS[1], 'id'))
  end
end
return snapshot(1, KEYS[2])
