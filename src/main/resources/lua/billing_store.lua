-- Stores what a retrieve of a subscription said (genpay.billing.BillingStore), unless a newer retrieve already did.
-- KEYS[1] billing:{sN}:{accountId}
-- ARGV[1] syncedAt (ms: when the retrieve began)   ARGV[2] subscription id   ARGV[3] its created (s)
-- ARGV[4] '1' when its status is over for good (canceled, incomplete_expired, unpaid)   ARGV[5] customer id or ''
-- ARGV[6..] field, value, ... of the state
-- Returns {outcome, previous fields (flat)}: outcome 'applied', 'stale' (an older retrieve than the one kept) or
-- 'other' (the account keeps a newer or still running subscription; this one changes nothing).
local synced, sub, created, ended = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), ARGV[4] == '1'
local previous = redis.call('HGETALL', KEYS[1])
local prev = {}
for i = 1, #previous, 2 do
  prev[previous[i]] = previous[i + 1]
end
local outcome = 'applied'
local kept = prev['subscriptionId']
if kept and kept ~= '' then
  if kept == sub then
    if synced <= tonumber(prev['syncedAt'] or '0') then
      outcome = 'stale'
    end
  else
    -- Another subscription replaces the kept one only when that one is over, or when it is newer and not over.
    local status = prev['status'] or ''
    local keptOver = status == 'canceled' or status == 'incomplete_expired' or status == 'unpaid'
    if not (keptOver or (not ended and created > tonumber(prev['created'] or '0'))) then
      outcome = 'other'
    end
  end
end
if outcome == 'applied' then
  local fields = {}
  for i = 6, #ARGV do
    fields[#fields + 1] = ARGV[i]
  end
  redis.call('HSET', KEYS[1], unpack(fields))
  if ARGV[5] ~= '' then
    redis.call('HSETNX', KEYS[1], 'customerId', ARGV[5])
  end
end
return {outcome, previous}
