-- Provider sandbox: start a job once per idempotency key, counting real starts, all in one step, so a
-- caller killed mid-call leaves either nothing or a complete, counted job.
-- The key is checked by ProviderSandbox.start before this runs (a refused request touches nothing).
-- Every key carries the tag of the idempotency key's shard (the job id is minted there):
-- KEYS[1] sandbox:provider:idem:{sN}:{key}   KEYS[2] sandbox:provider:job:{sN}:{new id}
-- KEYS[3] sandbox:provider:starts:{sN}:{key}   KEYS[4] sandbox:provider:prompt:{sN}:{name UUID of the prompt} (the
-- starts of one prompt in that shard, for [sandbox:fail:N]: an order's files share its shard, so N counts its files)
-- ARGV[1] new id   ARGV[2] now (ms)   ARGV[3] duration (ms)   ARGV[4] fate   ARGV[5] ttl (s)
-- ARGV[6] N: the Nth start of this prompt fails (0 for none)   ARGV[7] the file type (video, image, audio)
-- ARGV[8] the size in MiB of a generated video instead of the clip (0 for the clip)   ARGV[9] '1': served slowly
local existing = redis.call('GET', KEYS[1])
if existing then
  return existing
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[5])
local fate = ARGV[4]
if tonumber(ARGV[6]) > 0 then
  local nth = redis.call('INCR', KEYS[4])
  redis.call('EXPIRE', KEYS[4], ARGV[5])
  if nth == tonumber(ARGV[6]) then
    fate = 'fail'
  end
end
redis.call('HSET', KEYS[2], 'createdAt', ARGV[2], 'durationMs', ARGV[3], 'fate', fate, 'type', ARGV[7],
           'sizeMb', ARGV[8] or '0', 'slow', ARGV[9] or '0')
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], ARGV[5])
return ARGV[1]
