-- Stripe sandbox (billing): apply one change of several objects at once, or nothing. Each object is a hash
-- {json, v}; a change names the version it was computed from, so two writers that read the same state never
-- both apply (a period is renewed once, whoever advances the clock).
-- KEYS: every key the change touches, all of one tag (SandboxStore: a customer's objects share its shard).
-- ARGV[1]: JSON {checks: [...], writes: [...]}, keys as 1-based indexes:
--   checks: {k, v}          the object's version is v (0: it does not exist)
--           {k, f, eq}      hash field f equals eq
--           {k, absent}     the key does not exist
--   writes: {k, obj}        store the object's JSON, version + 1
--           {k, hset}       set the hash fields of an object {field: value}
--           {k, lpush}      push a member on a list (newest first)
--           {k, set}        set a string
-- Returns {1} applied, or {0, i} when check i (1-based) failed.
local change = cjson.decode(ARGV[1])
for i, check in ipairs(change.checks) do
  local key = KEYS[check.k]
  local ok
  if check.v ~= nil then
    local v = redis.call('HGET', key, 'v')
    ok = (tonumber(v) or 0) == check.v
  elseif check.f ~= nil then
    ok = redis.call('HGET', key, check.f) == check.eq
  else
    ok = redis.call('EXISTS', key) == 0
  end
  if not ok then
    return {0, i}
  end
end
for _, write in ipairs(change.writes) do
  local key = KEYS[write.k]
  if write.obj ~= nil then
    redis.call('HSET', key, 'json', write.obj)
    redis.call('HINCRBY', key, 'v', 1)
  elseif write.hset ~= nil then
    for field, value in pairs(write.hset) do
      redis.call('HSET', key, field, value)
    end
  elseif write.lpush ~= nil then
    redis.call('LPUSH', key, write.lpush)
  else
    redis.call('SET', key, write.set)
  end
end
return {1}
