-- Shared by every session script: returns {outcome, session fields, file fields...} read inside the same
-- script, so a snapshot is always one consistent version. outcome: 1 changed, 0 unchanged, 2 duplicate event.
-- Keys a script builds carry the hash tag of a key it was given ({s17}: DESIGN.md section 18), so on a Redis
-- Cluster they are in the same slot.
local function tag_of(key)
  return string.match(key, '{[^}]*}')
end

local function file_key_in(tag, file_id)
  return 'file:' .. tag .. ':' .. file_id
end

local function session_key_in(tag, session_id)
  return 'session:' .. tag .. ':' .. session_id
end

local function snapshot(outcome, session_key)
  local tag = tag_of(session_key)
  local out = {outcome, redis.call('HGETALL', session_key)}
  local ids = redis.call('HGET', session_key, 'fileIds')
  if ids and ids ~= '[]' then
    for _, file_id in ipairs(cjson.decode(ids)) do
      table.insert(out, redis.call('HGETALL', file_key_in(tag, file_id)))
    end
  end
  return out
end

-- A Stripe event already applied is answered as a duplicate; a new one is remembered once applied.
local function seen_event(event_key)
  return event_key ~= '' and redis.call('EXISTS', event_key) == 1
end

local function remember_event(event_key, ttl)
  if event_key ~= '' then
    redis.call('SET', event_key, '1', 'EX', ttl)
  end
end

-- The admin console's index of the shard's orders by creation time (genpay.admin.AdminKeys.ordersCreated),
-- written with the order; entries older than the orders' time to live are pruned as new ones come.
local function index_order(session_key, session_id, now, ttl)
  local index = 'orders:' .. tag_of(session_key) .. ':created'
  redis.call('ZADD', index, now, session_id)
  redis.call('ZREMRANGEBYSCORE', index, '-inf', tonumber(now) - tonumber(ttl) * 1000)
end

-- The Stripe events applied to an order, newest first, the last 50 (genpay.admin.AdminKeys.stripeApplied).
local function record_event(session_key, session_id, event_key, event_type, now, ttl)
  if event_key == '' then
    return
  end
  local list = 'stripe:applied:' .. tag_of(session_key) .. ':' .. session_id
  redis.call('LPUSH', list, cjson.encode({id = string.match(event_key, '[^:]+$'), type = event_type or '',
                                          at = tonumber(now)}))
  redis.call('LTRIM', list, 0, 49)
  redis.call('EXPIRE', list, ttl)
end
