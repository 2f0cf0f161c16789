/**
 * Lua helper shared by the scripts: `{1, role, bytes, role, bytes, ...}` from a trace hash, skipping
 * the bookkeeping fields (`s` state, `e` emitted). Halves dropped by markEmitted are empty strings
 * and never reach this (it only runs on pending or claimed traces).
 */
export const HALVES_LUA = `
local function halves(key)
  local all = redis.call('HGETALL', key)
  local res = {1}
  for i = 1, #all, 2 do
    local field = all[i]
    if field ~= 's' and field ~= 'e' then
      res[#res + 1] = field
      res[#res + 1] = all[i + 1]
    end
  end
  return res
end
`;
