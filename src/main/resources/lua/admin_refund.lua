-- An admin refunds a file, or every file of an order, by hand: each file without a refund yet is made owed
-- its share, like a failed file (lua/file_update.lua), and issued through the same path (genpay.refunds,
-- Idempotency-Key refund-{fileId}). A file that has a refund already is left alone: twice refunds once.
-- KEYS[1] session:{sN}:{id}   KEYS[2] refunds:owed:{sN}
-- ARGV[1] now (ms)   ARGV[2] one file id of the order ('' for all of them)
-- Returns snapshot(1 some made owed | 0 none, session), {-1} unknown, {-3, status} nothing paid,
-- {-5} nothing to refund against (no payment intent, not a credit order)
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return {-1}
end
if status == 'pending' or status == 'expired' or (redis.call('HGET', KEYS[1], 'fileIds') or '[]') == '[]' then
  return {-3, status}
end
local credits = redis.call('HGET', KEYS[1], 'kind') == 'credits'
local card = (redis.call('HGET', KEYS[1], 'paymentIntent') or '') ~= ''
if not credits and not card then
  return {-5}
end
local unit, currency
if credits then
  unit, currency = tonumber(redis.call('HGET', KEYS[1], 'unitCost') or '0') or 0, 'credits'
else
  unit = math.floor((tonumber(redis.call('HGET', KEYS[1], 'amountTotal') or '0') or 0)
                    / tonumber(redis.call('HGET', KEYS[1], 'videoCount')))
  currency = redis.call('HGET', KEYS[1], 'currency') or ''
end
local ids = cjson.decode(redis.call('HGET', KEYS[1], 'fileIds'))
if ARGV[2] ~= '' then
  local found = false
  for _, file_id in ipairs(ids) do
    found = found or file_id == ARGV[2]
  end
  if not found then
    return {-1}
  end
  ids = {ARGV[2]}
end
local tag = tag_of(KEYS[1])
local made = 0
for _, file_id in ipairs(ids) do
  local file_key = file_key_in(tag, file_id)
  if unit > 0 and (redis.call('HGET', file_key, 'refundStatus') or '') == '' then
    redis.call('HSET', file_key, 'refundStatus', 'owed', 'refundAmount', tostring(unit), 'refundCurrency', currency,
               'updatedAt', ARGV[1])
    redis.call('HINCRBY', file_key, 'version', 1)
    redis.call('ZADD', KEYS[2], 'NX', ARGV[1], file_id)
    made = made + 1
  end
end
if made > 0 then
  redis.call('HINCRBY', KEYS[1], 'version', 1)
  redis.call('HSET', KEYS[1], 'updatedAt', ARGV[1])
end
return snapshot(made > 0 and 1 or 0, KEYS[1])
