-- A grant (purchase, bonus, subscription_grant, free_grant, adjustment) is a bucket of its own.
-- ARGV[2] type   ARGV[3] amount   ARGV[4] source_id   ARGV[5] expires at (ms, 0 = never)   ARGV[6] description
-- ARGV[7] source (what kind of thing source_id names)
local kind, amount, source_id, expires = ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local key = kind .. ':' .. source_id
local earlier = repeated(key)
if earlier then
  return earlier
end
expire_due()
if expires > 0 and expires <= now then
  return cjson.encode({status = 'refused', reason = 'already-expired', needed = 0, balance = balance()})
end
local b = new_bucket(kind, amount, source_id, expires)
local after = add_balance(amount)
local id = append(kind, amount, after, b.id, ARGV[7], source_id, '', '', ARGV[6])
return applied(key, {status = 'applied', balance = after, entryId = id, bucket = b.id})
