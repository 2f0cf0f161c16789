/**
 * Verdict dedupe with SET-NX semantics on the trace's own hash (field `e`, then the decided TTL),
 * so a trace costs one key, not two. The first mark also ends the claim: halves are blanked (their
 * roles stay, so redeliveries read as duplicates) and the state becomes decided (P paired,
 * O orphan). A trace the store never saw is recorded as decided too.
 *
 * KEYS the trace hashes; ARGV[1] decided TTL ms. Returns per key 1 (first emission) or 0.
 */
export const MARK_EMITTED_LUA = `
local out = {}
for i = 1, #KEYS do
  local key = KEYS[i]
  if redis.call('HSETNX', key, 'e', '1') == 0 then
    out[i] = 0
  else
    local state = redis.call('HGET', key, 's')
    local decided = 'P'
    if state == 'o' or state == 'O' then decided = 'O' end
    local args = {'s', decided}
    for _, field in ipairs(redis.call('HKEYS', key)) do
      if field ~= 's' and field ~= 'e' then
        args[#args + 1] = field
        args[#args + 1] = ''
      end
    end
    redis.call('HSET', key, unpack(args))
    redis.call('PEXPIRE', key, ARGV[1])
    out[i] = 1
  end
end
return out
`;
