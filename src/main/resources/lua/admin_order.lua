-- Everything the admin console shows of one order, read at once (genpay.admin.AdminStore).
-- KEYS[1] session:{sN}:{id}   KEYS[2] stripe:applied:{sN}:{id}   KEYS[3] audit:{sN}:{id}   KEYS[4] mail:outbox:{sN}
-- KEYS[5] mail:attempts:{sN}   (mail:sent:{sN}:{cause} is built with the same tag)
-- ARGV[1] the order id
-- Returns {-1}, or {1, session fields, {file fields...}, applied events, audit entries,
-- {{cause, sentAt, queuedFor, attempts}...}}
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {-1}
end
local tag = tag_of(KEYS[1])
local files = {}
local ids = redis.call('HGET', KEYS[1], 'fileIds')
if ids and ids ~= '[]' then
  for _, file_id in ipairs(cjson.decode(ids)) do
    table.insert(files, redis.call('HGETALL', file_key_in(tag, file_id)))
  end
end
local causes = {'order-ended:' .. ARGV[1]}
for n = 1, tonumber(redis.call('HGET', KEYS[1], 'mailResends') or '0') do
  table.insert(causes, 'order-ended:' .. ARGV[1] .. ':resend:' .. n)
end
local mail = {}
for _, cause in ipairs(causes) do
  table.insert(mail, {cause, redis.call('GET', 'mail:sent:' .. tag .. ':' .. cause) or '',
                      redis.call('ZSCORE', KEYS[4], cause) or '', redis.call('HGET', KEYS[5], cause) or '0'})
end
return {1, redis.call('HGETALL', KEYS[1]), files, redis.call('LRANGE', KEYS[2], 0, -1),
        redis.call('LRANGE', KEYS[3], 0, -1), mail}
