-- KEYS[1] session:{sN}:{id}
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {-1}
end
return snapshot(0, KEYS[1])
