-- The copy is complete and checked: the record says where it is, how big, and its SHA-256. Once only.
-- KEYS[1] media:{fileId}   ARGV[1] now (ms)   ARGV[2..]: field, value pairs
if redis.call('HEXISTS', KEYS[1], 'storedAt') == 1 then
  return 0
end
local fields = {}
for i = 2, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[1], 'storedAt', ARGV[1], unpack(fields))
return 1
