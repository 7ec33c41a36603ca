-- Signs an e-mail address in: finds its account or makes it, and opens a session for it, in one step so that
-- two first sign-ins at once make one account.
-- KEYS[1] account:email:{sha256(lowercased email)}   KEYS[2] account:{new id}   KEYS[3] auth:session:{sha256}
-- ARGV[1] the new id (used only when there is no account yet)   ARGV[2] e-mail   ARGV[3] createdAt (ISO-8601)
-- ARGV[4] session lifetime (s)
-- Returns {account id, 1 when it was made now else 0}.
local id = redis.call('GET', KEYS[1])
local created = 0
if not id then
  id = ARGV[1]
  redis.call('HSET', KEYS[2], 'id', id, 'email', ARGV[2], 'plan', 'free', 'createdAt', ARGV[3])
  redis.call('SET', KEYS[1], id)
  created = 1
end
redis.call('SET', KEYS[3], id, 'EX', ARGV[4])
return {id, created}
