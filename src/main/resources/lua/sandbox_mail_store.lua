-- The sandbox mailbox keeps the newest messages first, at most ARGV[2] of them, for ARGV[3] seconds after the last.
-- KEYS[1] sandbox:mail
-- ARGV[1] the message (JSON)   ARGV[2] how many to keep   ARGV[3] ttl (s)
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
