-- Removes consumers of the group that own nothing and have not read for a long time: the workers of
-- stopped or dead nodes. A live worker reads every second; one removed by mistake is recreated by its next read.
-- KEYS[1] a job stream   ARGV[1] group   ARGV[2] idle for longer than this (ms)   ARGV[3] the caller's consumer
local removed = 0
for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local name, pending, idle
  for i = 1, #consumer, 2 do
    if consumer[i] == 'name' then name = consumer[i + 1]
    elseif consumer[i] == 'pending' then pending = consumer[i + 1]
    elseif consumer[i] == 'idle' then idle = consumer[i + 1] end
  end
  if name ~= ARGV[3] and pending == 0 and idle > tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
    removed = removed + 1
  end
end
return removed
