-- The usage aggregates of the given days (KEYS: usage:{sN}:{acc}:{yyyy-mm-dd}), each as HGETALL gives it. Read-only.
local days = {}
for i, key in ipairs(KEYS) do
  days[i] = redis.call('HGETALL', key)
end
return days
