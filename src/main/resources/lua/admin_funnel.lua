-- One shard's orders created in a period, for the funnel (genpay.admin.Funnel): each one's stage times.
-- KEYS[1] orders:{sN}:created   ARGV[1] from (ms)   ARGV[2] to (ms)   ARGV[3] at most this many orders
-- Returns {capped, {createdAt, paidAt, endedAt, status}...} ('' for a time not reached)
local tag = string.match(KEYS[1], '{[^}]*}')
local cap = tonumber(ARGV[3])
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2], 'LIMIT', 0, cap + 1)
local capped = 0
if #ids > cap then
  capped = 1
  table.remove(ids)
end
local out = {capped}
for _, id in ipairs(ids) do
  local values = redis.call('HMGET', 'session:' .. tag .. ':' .. id, 'createdAt', 'paidAt', 'endedAt', 'status')
  if values[4] then
    table.insert(out, {values[1] or '', values[2] or '', values[3] or '', values[4]})
  end
end
return out
