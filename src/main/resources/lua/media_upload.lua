-- A copy starts a new multipart upload: the record forgets the parts of any earlier one. A stored copy is never
-- replaced (answers 0).
-- KEYS[1] media:{fileId}   ARGV: field, value pairs (objectKey, uploadId, partSize, size, contentType, ...)
if redis.call('HEXISTS', KEYS[1], 'storedAt') == 1 then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
