-- One page of a ledger stream, newest first, filtered by type and a case-insensitive text search over
-- description, source_id and model; the total counts every match. Read-only.
-- KEYS[1] ledger:{sN}:{acc}   ARGV[1] entries to skip   ARGV[2] page size   ARGV[3] type ('' = any)
-- ARGV[4] lower-case text ('' = any)
local skip, limit, kind, q = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4]
if kind == '' and q == '' then
  local page = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', skip + limit)
  local items = {}
  for i = skip + 1, #page do
    items[#items + 1] = page[i]
  end
  return {redis.call('XLEN', KEYS[1]), items}
end
local function field(fields, name)
  for i = 1, #fields, 2 do
    if fields[i] == name then
      return fields[i + 1]
    end
  end
  return ''
end
local function matches(fields)
  if kind ~= '' and field(fields, 'type') ~= kind then
    return false
  end
  if q == '' then
    return true
  end
  for _, name in ipairs({'description', 'source_id', 'model'}) do
    if string.find(string.lower(field(fields, name)), q, 1, true) then
      return true
    end
  end
  return false
end
local total, items, last = 0, {}, '+'
while true do
  local batch = redis.call('XREVRANGE', KEYS[1], last, '-', 'COUNT', 500)
  local fresh = 0
  for _, entry in ipairs(batch) do
    if entry[1] ~= last then
      fresh = fresh + 1
      if matches(entry[2]) then
        total = total + 1
        if total > skip and #items < limit then
          items[#items + 1] = entry
        end
      end
    end
  end
  if fresh == 0 then
    break
  end
  last = batch[#batch][1]
end
return {total, items}
