/**
 * Claims pairs whose halves the caller holds (all in one batch), without their bytes:
 *   no key / s=w pending -> s=c, every expected role not stored yet set to '' (seen, bytes with
 *                           the caller), TTL = decided TTL, unindex -> {1} paired
 *   s=c claimed          -> {1} paired again (re-drive: the verdict may not be out)
 *   s=o, s=O, s=P        -> decided: per expected role 2 (seen: duplicate) or 3 (late), then the
 *                           decision ('orphan' or 'paired')
 *
 * KEYS[1] deadline index (ZSET; touched only when ARGV[1] == '1'), KEYS[2..n] the trace hashes.
 * ARGV[1] index flag, ARGV[2] decided TTL ms, then per pair: traceId, expected roles (comma-separated).
 */
export const CLAIM_PAIRS_LUA = `
local index = KEYS[1]
local useIndex = ARGV[1] == '1'
local decidedTtl = ARGV[2]
local out = {}
for i = 2, #KEYS do
  local key = KEYS[i]
  local a = 3 + (i - 2) * 2
  local traceId = ARGV[a]
  local expected = {}
  for r in string.gmatch(ARGV[a + 1], '[^,]+') do expected[#expected + 1] = r end
  local got = redis.call('HMGET', key, 's', unpack(expected))
  local state = got[1]
  if not state or state == 'w' or state == 'c' then
    if state ~= 'c' then
      local args = {'s', 'c'}
      for j = 1, #expected do
        if not got[1 + j] then
          args[#args + 1] = expected[j]
          args[#args + 1] = ''
        end
      end
      redis.call('HSET', key, unpack(args))
      redis.call('PEXPIRE', key, decidedTtl)
      if useIndex and state == 'w' then redis.call('ZREM', index, traceId) end
    end
    out[#out + 1] = {1}
  else
    local res = {0}
    local decided = 'paired'
    if state == 'o' or state == 'O' then decided = 'orphan' end
    for j = 1, #expected do
      if got[1 + j] then res[#res + 1] = 2 else res[#res + 1] = 3 end
    end
    res[#res + 1] = decided
    out[#out + 1] = res
  end
end
return out
`;
