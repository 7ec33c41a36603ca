-- One shard's part of the admin console's orders or files list (genpay.admin.AdminStore): orders newest
-- first from the shard's index, filtered by status, at most ARGV[5] rows, and how many match in all.
-- KEYS[1] orders:{sN}:created   (the orders and files read are built with its tag)
-- ARGV[1] 'orders' or 'files'   ARGV[2] from (ms, or -inf)   ARGV[3] to (ms, or +inf)   ARGV[4] status ('' any)
-- ARGV[5] rows wanted   ARGV[6] at most this many orders looked at (the bound of one call)
-- Returns {total, capped (1 when the scan stopped at ARGV[6]: total is then a lower bound), rows...},
-- each row a flat field/value list.
local tag = string.match(KEYS[1], '{[^}]*}')
local want, cap = tonumber(ARGV[5]), tonumber(ARGV[6])
local order_fields = {'sessionId', 'status', 'createdAt', 'paidAt', 'endedAt', 'updatedAt', 'videoCount',
                      'amountTotal', 'currency', 'email', 'kind', 'type', 'accountId', 'refundedAmount', 'version',
                      'error'}
local file_fields = {'id', 'sessionId', 'status', 'progress', 'createdAt', 'updatedAt', 'startedAt', 'error',
                     'providerId', 'refundStatus', 'refundAmount', 'refundCurrency', 'index', 'type', 'version',
                     'retries'}
local function row(key, fields)
  local values = redis.call('HMGET', key, unpack(fields))
  local flat = {}
  for i, field in ipairs(fields) do
    table.insert(flat, field)
    table.insert(flat, values[i] or '')
  end
  return flat
end
if ARGV[1] == 'orders' and ARGV[4] == '' then
  -- No filter on the hash: the index alone counts them, and only the rows wanted are read.
  local total = redis.call('ZCOUNT', KEYS[1], ARGV[2], ARGV[3])
  local out = {total, 0}
  for _, id in ipairs(redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[3], ARGV[2], 'LIMIT', 0, want)) do
    local key = 'session:' .. tag .. ':' .. id
    if redis.call('EXISTS', key) == 1 then
      table.insert(out, row(key, order_fields))
    end
  end
  return out
end
local ids = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[3], ARGV[2], 'LIMIT', 0, cap + 1)
local capped = 0
if #ids > cap then
  capped = 1
  table.remove(ids)
end
local total, rows = 0, {}
for _, id in ipairs(ids) do
  local key = 'session:' .. tag .. ':' .. id
  if ARGV[1] == 'orders' then
    if redis.call('HGET', key, 'status') == ARGV[4] then
      total = total + 1
      if #rows < want then
        table.insert(rows, row(key, order_fields))
      end
    end
  else
    local file_ids = redis.call('HGET', key, 'fileIds')
    if file_ids and file_ids ~= '[]' then
      for _, file_id in ipairs(cjson.decode(file_ids)) do
        local file_key = 'file:' .. tag .. ':' .. file_id
        if ARGV[4] == '' or redis.call('HGET', file_key, 'status') == ARGV[4] then
          total = total + 1
          if #rows < want then
            table.insert(rows, row(file_key, file_fields))
          end
        end
      end
    end
  end
end
local out = {total, capped}
for _, r in ipairs(rows) do
  table.insert(out, r)
end
return out
