-- Sliding-window rate limit: at most ARGV[3] requests in any window, one sorted-set member per request.
-- KEYS[1] ratelimit:{what}:{who}, e.g. ratelimit:checkout:{ip}
-- ARGV[1] now (ms)   ARGV[2] cutoff (ms): members scored at or before it have left the window
-- ARGV[3] limit      ARGV[4] window (ms), the key's expiry   ARGV[5] a member unique to this request
-- Returns {1, count} when the request is counted; {0, score} when refused, where score is the time (ms) of the
-- request whose leaving frees a slot. A refusal adds nothing: only members already out of the window go.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local count = redis.call('ZCARD', KEYS[1])
local limit = tonumber(ARGV[3])
if count >= limit then
  local freeing = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
  return {0, freeing[2]}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1, count + 1}
