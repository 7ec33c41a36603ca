-- A copy starts a new multipart upload: the record forgets the parts of any earlier one. A stored copy is never
-- replaced (answers 0). The record of a copy that never completes goes after ARGV[1] seconds.
-- KEYS[1] media:{fileId}   ARGV[1] ttl (s)   ARGV[2..]: field, value pairs (objectKey, uploadId, partSize, ...)
if redis.call('HEXISTS', KEYS[1], 'storedAt') == 1 then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
