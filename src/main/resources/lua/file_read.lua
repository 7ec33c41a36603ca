-- KEYS[1] file:{id}: {0, file fields} or {-1}
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {-1}
end
return {0, redis.call('HGETALL', KEYS[1])}
