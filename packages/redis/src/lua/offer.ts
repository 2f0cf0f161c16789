/**
 * Offers a batch of halves atomically. One trace = one hash `{s: state, <role>: bytes, e?: '1'}`:
 *   no key          -> store, TTL = window + margin, index the deadline -> waiting (or paired)
 *   s=w pending     -> role seen: duplicate; else store it, and when every expected role is there
 *                      claim the pair (s=c, TTL = decided TTL, unindex) -> paired
 *   s=c paired      -> role seen: paired again (re-drive: the verdict may not be out) once every
 *                      role's bytes are stored (a claimPairs claim stores '' for each: the re-offer
 *                      stores its bytes and waits for the rest); else late
 *   s=o orphaned, s=P / s=O emitted -> role seen: duplicate; else late (paired / orphan)
 * One HMGET reads the state, the offered role and every expected role's bytes, so a pairing
 * costs HMGET + HSET + PEXPIRE (+ ZREM) and the halves come back without another read.
 *
 * KEYS[1] deadline index (ZSET; written only when ARGV[1] == '1'), KEYS[2..n] the trace hashes.
 * ARGV[1] index flag, ARGV[2] decided TTL ms, then per offer:
 *   traceId, role, half, expected roles (comma-separated), deadlineAt ms, pending TTL ms.
 * Returns per offer: {0} waiting, {1, role, bytes, ...} paired, {2} duplicate, {3, decided} late.
 */
export const OFFER_LUA = `
local index = KEYS[1]
local useIndex = ARGV[1] == '1'
local decidedTtl = ARGV[2]
local out = {}

local function pairReply(expected, got, role, half)
  local res = {1}
  local included = false
  for j = 1, #expected do
    local r = expected[j]
    res[#res + 1] = r
    if r == role then
      res[#res + 1] = half
      included = true
    else
      res[#res + 1] = got[2 + j]
    end
  end
  if not included then
    res[#res + 1] = role
    res[#res + 1] = half
  end
  return res
end

for i = 2, #KEYS do
  local key = KEYS[i]
  local a = 3 + (i - 2) * 6
  local traceId, role, half = ARGV[a], ARGV[a + 1], ARGV[a + 2]
  local expected = {}
  for r in string.gmatch(ARGV[a + 3], '[^,]+') do expected[#expected + 1] = r end
  local got = redis.call('HMGET', key, 's', role, unpack(expected))
  local state, seen = got[1], got[2]
  if not state or state == 'w' then
    if seen then
      out[#out + 1] = {2}
    else
      local complete = true
      for j = 1, #expected do
        if expected[j] ~= role and not got[2 + j] then
          complete = false
          break
        end
      end
      if complete then
        redis.call('HSET', key, 's', 'c', role, half)
        redis.call('PEXPIRE', key, decidedTtl)
        if useIndex and state then redis.call('ZREM', index, traceId) end
        out[#out + 1] = pairReply(expected, got, role, half)
      else
        if state then
          redis.call('HSET', key, role, half)
        else
          redis.call('HSET', key, 's', 'w', role, half)
          redis.call('PEXPIRE', key, ARGV[a + 5])
          if useIndex then redis.call('ZADD', index, 'NX', ARGV[a + 4], traceId) end
        end
        out[#out + 1] = {0}
      end
    end
  elseif state == 'c' and seen then
    -- Claimed, verdict not out: re-drive once every half's bytes are here. A pair claimed by
    -- claimPairs stored none (its roles read ''): they come back one by one, 'waiting' till then.
    if seen == '' then
      redis.call('HSET', key, role, half)
      seen = half
    end
    local complete = true
    for j = 1, #expected do
      local v = got[2 + j]
      if expected[j] == role then v = seen end
      if not v or v == '' then
        complete = false
        break
      end
    end
    if complete then
      out[#out + 1] = pairReply(expected, got, role, seen)
    else
      out[#out + 1] = {0}
    end
  elseif seen then
    out[#out + 1] = {2}
  elseif state == 'o' or state == 'O' then
    out[#out + 1] = {3, 'orphan'}
  else
    out[#out + 1] = {3, 'paired'}
  end
end
return out
`;
