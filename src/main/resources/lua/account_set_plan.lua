-- Sets an account's plan from a subscription sync (genpay.accounts.AccountStore#setPlan), unless a sync that began
-- later already set it. KEYS[1] account:{sN}:{id}   ARGV[1] plan   ARGV[2] syncedAt (ms)
-- Returns 1 when set, 0 when a later sync's plan stays, -1 when there is no such account.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
local at = tonumber(redis.call('HGET', KEYS[1], 'planSyncedAt') or '0')
if tonumber(ARGV[2]) < at then
  return 0
end
redis.call('HSET', KEYS[1], 'plan', ARGV[1], 'planSyncedAt', ARGV[2])
return 1
