-- A spend takes from the bucket that expires soonest, then from purchases oldest first; refused whole if short.
-- ARGV[2] amount   ARGV[3] source_id   ARGV[4] operation   ARGV[5] model   ARGV[6] description
-- ARGV[7] usage aggregate TTL (ms)
local amount, source_id, operation, model = tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local key = 'usage:' .. source_id
local earlier = repeated(key)
if earlier then
  return earlier
end
expire_due()
local live = redis.call('ZRANGE', KEYS[3], 0, -1)
local held = 0
for _, id in ipairs(live) do
  held = held + bucket(id).remaining
end
local before = balance()
if amount > before or amount > held then
  return cjson.encode({status = 'refused', reason = 'insufficient-credits', needed = amount,
                       balance = math.min(before, held)})
end
local need, parts, ids = amount, {}, {}
for _, id in ipairs(live) do
  if need == 0 then
    break
  end
  local b = bucket(id)
  local take = math.min(need, b.remaining)
  if take > 0 then
    b.remaining = b.remaining - take
    need = need - take
    save(b)
    parts[#parts + 1] = {id, take, 0}
    ids[#ids + 1] = id
  end
  if b.remaining == 0 then
    redis.call('ZREM', KEYS[3], id)
  end
end
local after = add_balance(-amount)
local entry = append('usage', -amount, after, table.concat(ids, ','), 'order', source_id, operation, model, ARGV[6])
redis.call('HSET', KEYS[6], source_id, cjson.encode({amount = amount, refunded = 0, parts = parts,
                                                     operation = operation, model = model}))
redis.call('HINCRBY', KEYS[7], 'credits', amount)
redis.call('HINCRBY', KEYS[7], 'count', 1)
redis.call('HINCRBY', KEYS[7], 'type:' .. operation .. ':credits', amount)
redis.call('HINCRBY', KEYS[7], 'type:' .. operation .. ':count', 1)
redis.call('HINCRBY', KEYS[7], 'model:' .. model .. ':credits', amount)
redis.call('HINCRBY', KEYS[7], 'model:' .. model .. ':count', 1)
redis.call('PEXPIRE', KEYS[7], tonumber(ARGV[7]))
return applied(key, {status = 'applied', balance = after, entryId = entry, bucket = table.concat(ids, ',')})
