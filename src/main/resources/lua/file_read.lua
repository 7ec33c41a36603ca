-- KEYS[1] file:{sN}:{id}: {0, file fields}, {-1} when there is none, or {-2, tag} when the key is the pointer a
-- migration left for a legacy file (its id's shard is not its order's): read it again under that tag.
local kind = redis.call('TYPE', KEYS[1])['ok']
if kind == 'none' then
  return {-1}
end
if kind == 'string' then
  return {-2, redis.call('GET', KEYS[1])}
end
return {0, redis.call('HGETALL', KEYS[1])}
