-- Shared by every session script: returns {changed, session fields, file fields...}
-- read inside the same script, so a snapshot is always one consistent version.
local function snapshot(changed, session_key)
  local out = {changed, redis.call('HGETALL', session_key)}
  local ids = redis.call('HGET', session_key, 'fileIds')
  if ids and ids ~= '[]' then
    for _, file_id in ipairs(cjson.decode(ids)) do
      table.insert(out, redis.call('HGETALL', 'file:' .. file_id))
    end
  end
  return out
end
