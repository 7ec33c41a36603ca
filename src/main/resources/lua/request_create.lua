-- A new generation request, or the one still open for the same hostname and provider (then nothing changes).
-- Free (amount 0): queued at once, its job added in the same script. Paid: awaiting_payment, without a session yet.
-- KEYS[1] genreq:open:{sN}:{hostname}:{provider}   KEYS[2] genreq:{sN}:{id}   KEYS[3] jobs:{sN}:requests
-- (the id is minted in the shard of its hostname and provider: one tag; the open id's key is built with it)
-- ARGV[1] id   ARGV[2] hostname   ARGV[3] provider   ARGV[4] amount (cents)   ARGV[5] currency   ARGV[6] URL count
-- ARGV[7] now (ms)   ARGV[8] ttl (s)   ARGV[9] locale of the pages the buyer comes back to
-- Returns {1 created | 0 open one found, its fields}
local open = redis.call('GET', KEYS[1])
if open then
  local key = 'genreq:' .. string.match(KEYS[1], '{[^}]*}') .. ':' .. open
  local status = redis.call('HGET', key, 'status')
  if status == 'awaiting_payment' or status == 'queued' or status == 'processing' then
    return {0, redis.call('HGETALL', key)}
  end
end
local status = 'queued'
if tonumber(ARGV[4]) > 0 then
  status = 'awaiting_payment'
end
redis.call('HSET', KEYS[2], 'id', ARGV[1], 'hostname', ARGV[2], 'provider', ARGV[3], 'status', status,
           'amount', ARGV[4], 'currency', ARGV[5], 'sessionId', '', 'paymentLink', '', 'checkouts', '0',
           'done', '0', 'total', ARGV[6], 'error', '', 'createdAt', ARGV[7], 'version', '1',
           'refund', 'none', 'refundId', '', 'locale', ARGV[9])
redis.call('EXPIRE', KEYS[2], ARGV[8])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[8])
if status == 'queued' then
  redis.call('HSET', KEYS[2], 'queuedAt', ARGV[7])
  redis.call('XADD', KEYS[3], '*', 'requestId', ARGV[1])
end
return {1, redis.call('HGETALL', KEYS[2])}
