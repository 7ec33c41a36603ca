-- Test only: two keys of one hash tag move together, as every engine script's keys must.
-- KEYS[1] counter hash   KEYS[2] set of callers   ARGV[1] caller
redis.call('SADD', KEYS[2], ARGV[1])
return redis.call('HINCRBY', KEYS[1], 'n', 1)
