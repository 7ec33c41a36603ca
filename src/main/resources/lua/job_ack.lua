-- A job is done: acknowledged and deleted in one step, so the stream holds only work still to do.
-- KEYS[1] the job stream the entries are in   ARGV[1] group   ARGV[2..] entry ids
local entries = {}
for i = 2, #ARGV do
  entries[#entries + 1] = ARGV[i]
end
local acked = redis.call('XACK', KEYS[1], ARGV[1], unpack(entries))
redis.call('XDEL', KEYS[1], unpack(entries))
return acked
