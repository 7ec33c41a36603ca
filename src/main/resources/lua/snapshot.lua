-- Shared by every session script: returns {outcome, session fields, file fields...} read inside the same
-- script, so a snapshot is always one consistent version. outcome: 1 changed, 0 unchanged, 2 duplicate event.
local function snapshot(outcome, session_key)
  local out = {outcome, redis.call('HGETALL', session_key)}
  local ids = redis.call('HGET', session_key, 'fileIds')
  if ids and ids ~= '[]' then
    for _, file_id in ipairs(cjson.decode(ids)) do
      table.insert(out, redis.call('HGETALL', 'file:' .. file_id))
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
