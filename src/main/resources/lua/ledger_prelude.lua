-- Shared by every ledger write script (genpay.credits.Ledger). All keys of one account carry its shard's hash tag.
-- KEYS[1] ledger:{sN}:{acc}:state (balance, seq)   KEYS[2] ledger:{sN}:{acc}:buckets (id -> JSON)
-- KEYS[3] ledger:{sN}:{acc}:live (ids of buckets holding credits, scored in spend order)
-- KEYS[4] ledger:{sN}:{acc}:applied (type:source_id -> the result it gave)   KEYS[5] ledger:{sN}:{acc} (the stream)
-- KEYS[6] ledger:{sN}:{acc}:spends (spend source_id -> what it took from which bucket)   KEYS[7] usage:{sN}:{acc}:{day}
-- ARGV[1] now (ms). Amounts are integer hundredths of a credit.
local now = tonumber(ARGV[1])
-- Buckets that never expire sort after every expiring one (scores of those are their expiry times), oldest first.
local NEVER = 4000000000000000

local function int(n)
  return string.format('%d', n)
end

-- An account's time never goes back: a script that reaches Redis after a later one (another node's clock, a
-- slow caller) uses the latest time seen, so a bucket that has expired can never come alive again.
-- It is written only by scripts that change something, so a refused or repeated call still writes nothing.
local latest = tonumber(redis.call('HGET', KEYS[1], 'now') or '0')
if latest > now then
  now = latest
end

local function remember_now()
  if now > latest then
    redis.call('HSET', KEYS[1], 'now', int(now))
    latest = now
  end
end

local function balance()
  return tonumber(redis.call('HGET', KEYS[1], 'balance') or '0')
end

local function bucket(id)
  return cjson.decode(redis.call('HGET', KEYS[2], id))
end

local function save(b)
  redis.call('HSET', KEYS[2], b.id, cjson.encode(b))
end

local function score(b)
  if b.expires > 0 then
    return b.expires
  end
  return NEVER + b.seq
end

local function alive(b)
  return b.expires == 0 or b.expires > now
end

local function new_bucket(kind, amount, source_id, expires)
  local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
  -- Zero-padded, so buckets expiring at the same instant are taken oldest first.
  local b = {id = 'b' .. string.format('%010d', seq), type = kind, source_id = source_id, granted = amount,
             remaining = amount, expires = expires, seq = seq}
  save(b)
  redis.call('ZADD', KEYS[3], score(b), b.id)
  return b
end

local function append(kind, amount, after, buckets, source, source_id, operation, model, description)
  return redis.call('XADD', KEYS[5], '*', 'type', kind, 'amount', int(amount), 'balance_after', int(after),
    'bucket', buckets, 'source', source, 'source_id', source_id, 'operation', operation, 'model', model,
    'description', description, 'at', int(now))
end

-- Callers check first (a spend is refused whole before anything moves), so this never goes below zero.
local function add_balance(delta)
  return redis.call('HINCRBY', KEYS[1], 'balance', delta)
end

-- What a bucket still holds when it expires leaves with an expiry entry, once (keyed expiry:{bucket}).
local function expire_due()
  local count = 0
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do
    local b = bucket(id)
    redis.call('ZREM', KEYS[3], id)
    if b.remaining > 0 and redis.call('HSETNX', KEYS[4], 'expiry:' .. id, int(b.remaining)) == 1 then
      local lost = b.remaining
      b.remaining = 0
      save(b)
      remember_now()
      local after = redis.call('HINCRBY', KEYS[1], 'balance', -lost)
      append('expiry', -lost, after, id, 'bucket', id, '', '', 'expired: ' .. b.type .. ' ' .. b.source_id)
      count = count + 1
    end
  end
  return count
end

-- A repeat of a source returns what the first time returned, marked as a duplicate, and changes nothing.
local function repeated(key)
  local earlier = redis.call('HGET', KEYS[4], key)
  if not earlier then
    return nil
  end
  local result = cjson.decode(earlier)
  result.duplicate = true
  return cjson.encode(result)
end

local function applied(key, result)
  remember_now()
  local encoded = cjson.encode(result)
  redis.call('HSET', KEYS[4], key, encoded)
  return encoded
end
