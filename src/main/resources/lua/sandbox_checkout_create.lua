-- Stripe sandbox: store a new Checkout Session and its Idempotency-Key in one step, so that a create whose
-- answer was lost and is retried with the same key finds the session; the key never exists without it.
-- KEYS[1] sandbox:stripe:cs:{sN}:{new id}   KEYS[2] sandbox:stripe:idempotency:{sN}:{key} (absent without a key)
-- (the session is minted near its customer or key, whose claim is kept under the session's tag)
-- ARGV[1] new session id   ARGV[2] the session's JSON body   ARGV[3] ttl (s)   ARGV[4] the request's fingerprint
-- Returns {1, id} created; {0, id} the session an earlier request with this key created;
-- {-1, id} the key was first used with other parameters.
if KEYS[2] then
  local earlier = redis.call('GET', KEYS[2])
  if earlier then
    local id, fingerprint = string.match(earlier, '^([^|]*)|?(.*)$')
    -- A value without a fingerprint predates them: it matches any request.
    if fingerprint ~= '' and fingerprint ~= ARGV[4] then
      return {-1, id}
    end
    return {0, id}
  end
end
redis.call('HSET', KEYS[1], 'body', ARGV[2], 'status', 'open', 'payment_status', 'unpaid', 'payment_intent', '')
redis.call('EXPIRE', KEYS[1], ARGV[3])
if KEYS[2] then
  redis.call('SET', KEYS[2], ARGV[1] .. '|' .. ARGV[4], 'EX', ARGV[3])
end
return {1, ARGV[1]}
