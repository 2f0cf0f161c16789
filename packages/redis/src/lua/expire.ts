/**
 * Claims traces whose deadline passed: a pending trace becomes orphaned (s=o, TTL = decided TTL)
 * and its halves come back; an orphaned one not yet emitted comes back again (re-fire after a
 * crash); anything else is gone. The deadline index is left alone: the sweeper acknowledges it
 * only after the orphan verdict is out.
 *
 * KEYS the trace hashes; ARGV[1] decided TTL ms. Returns per key {1, role, bytes, ...} or {0}.
 */
export const EXPIRE_LUA = `
local out = {}
for i = 1, #KEYS do
  local key = KEYS[i]
  local all = redis.call('HGETALL', key)
  local state
  local res = {1}
  for j = 1, #all, 2 do
    local field = all[j]
    if field == 's' then
      state = all[j + 1]
    elseif field ~= 'e' then
      res[#res + 1] = field
      res[#res + 1] = all[j + 1]
    end
  end
  if state == 'w' then
    redis.call('HSET', key, 's', 'o')
    redis.call('PEXPIRE', key, ARGV[1])
    out[i] = res
  elseif state == 'o' then
    out[i] = res
  else
    out[i] = {0}
  end
end
return out
`;
