-- The owner or the TTL sweep deletes a stored copy: the record keeps deletedAt (so /media answers 410, not a stale
-- link) and expires after ARGV[2] seconds. Answers the object keys to delete, or {} when nothing was stored.
-- KEYS[1] media:{fileId}   ARGV[1] now (ms)   ARGV[2] ttl of the record (s)
if redis.call('HEXISTS', KEYS[1], 'storedAt') == 0 then
  return {}
end
redis.call('HSET', KEYS[1], 'deletedAt', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return {redis.call('HGET', KEYS[1], 'objectKey') or '', redis.call('HGET', KEYS[1], 'thumbnailKey') or ''}
