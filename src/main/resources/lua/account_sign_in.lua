-- The second step of a sign-in (genpay.accounts.AccountStore#signIn): the account the address's lookup named is made
-- if it does not exist yet. The lookup (account:email:..., a key of the address's own shard) is set first, once,
-- by whoever gets there first, so two first sign-ins at once name one id, and both come here with it: one makes
-- the account, the other finds it. A sign-in cut off between the steps leaves the lookup; the next one makes it.
-- KEYS[1] account:{sN}:{id}   ARGV[1] id   ARGV[2] e-mail   ARGV[3] createdAt (ISO-8601)
-- Returns 1 when it was made now, else 0.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'email', ARGV[2], 'plan', 'free', 'createdAt', ARGV[3])
return 1
