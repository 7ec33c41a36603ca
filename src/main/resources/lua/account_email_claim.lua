-- The first step of a sign-in (genpay.accounts.AccountStore#signIn): the account id an address belongs to, set
-- now to ARGV[1] when it has none. One key, so it lives in the address's own shard; account_sign_in.lua makes the
-- account in the account's shard afterwards.
-- KEYS[1] account:email:{sha256(lowercased email)}   ARGV[1] a new account id
-- Returns the account id.
local id = redis.call('GET', KEYS[1])
if id then
  return id
end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
