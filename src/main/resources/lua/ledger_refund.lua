-- A refund gives back part of one spend, never more than it took: newest part first, into the bucket it came
-- from while that bucket lives, else into a new bucket that never expires (the buyer keeps what a failed item
-- cost, even when the month it came from has ended).
-- ARGV[2] amount   ARGV[3] source_id (e.g. the failed file)   ARGV[4] the spend's source_id   ARGV[5] description
-- ARGV[6] usage aggregate TTL (ms)
local amount, source_id, spent_id = tonumber(ARGV[2]), ARGV[3], ARGV[4]
local key = 'refund:' .. source_id
local earlier = repeated(key)
if earlier then
  return earlier
end
expire_due()
local raw = redis.call('HGET', KEYS[6], spent_id)
if not raw then
  return cjson.encode({status = 'refused', reason = 'unknown-spend', needed = amount, balance = 0})
end
local spend = cjson.decode(raw)
local left = spend.amount - spend.refunded
if amount > left then
  return cjson.encode({status = 'refused', reason = 'exceeds-spend', needed = amount, balance = left})
end
local give, ids, orphaned = amount, {}, 0
for i = #spend.parts, 1, -1 do
  local part = spend.parts[i]
  local back = math.min(give, part[2] - part[3])
  if back > 0 then
    part[3] = part[3] + back
    give = give - back
    local b = bucket(part[1])
    -- Once expired, a bucket stays expired: what comes back for it goes to a bucket of its own.
    if alive(b) and redis.call('HEXISTS', KEYS[4], 'expiry:' .. b.id) == 0 then
      b.remaining = b.remaining + back
      save(b)
      redis.call('ZADD', KEYS[3], score(b), b.id)
      ids[#ids + 1] = b.id
    else
      orphaned = orphaned + back
    end
  end
end
if orphaned > 0 then
  ids[#ids + 1] = new_bucket('refund', orphaned, source_id, 0).id
end
spend.refunded = spend.refunded + amount
redis.call('HSET', KEYS[6], spent_id, cjson.encode(spend))
local after = add_balance(amount)
local entry = append('refund', amount, after, table.concat(ids, ','), 'file', source_id, spend.operation,
  spend.model, ARGV[5])
redis.call('HINCRBY', KEYS[7], 'refunded', amount)
redis.call('HINCRBY', KEYS[7], 'refunds', 1)
redis.call('PEXPIRE', KEYS[7], tonumber(ARGV[6]))
return applied(key, {status = 'applied', balance = after, entryId = entry, bucket = table.concat(ids, ',')})
