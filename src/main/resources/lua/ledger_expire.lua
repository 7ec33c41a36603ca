-- Expires what is due, then reports the balance and the buckets that hold credits, in spend order.
local expired = expire_due()
local buckets = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
  local b = bucket(id)
  buckets[#buckets + 1] = {id = b.id, type = b.type, source_id = b.source_id, remaining = b.remaining,
                           expires = b.expires}
end
return {expired, balance(), cjson.encode(buckets)}
