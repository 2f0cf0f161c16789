/**
 * Leases due trace ids from the deadline index: ids with score <= now get the score `leaseUntil`,
 * so a sweeper that dies mid-batch lets them fall due again instead of losing them.
 *
 * KEYS[1] index; ARGV now ms, limit, leaseUntil ms. Returns the leased ids, earliest first.
 */
export const LEASE_DUE_LUA = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[3], id)
end
return ids
`;

/**
 * Settles leased ids: each id still holding the lease score is removed (ARGV[2] == '') or moved to
 * the score ARGV[2] (a retry). Ids whose score changed meanwhile belong to someone else: left alone.
 *
 * KEYS[1] index; ARGV[1] lease score, ARGV[2] retry score or '', ARGV[3..] ids. Returns the count.
 */
export const SETTLE_LEASE_LUA = `
local lease = tonumber(ARGV[1])
local n = 0
for i = 3, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) == lease then
    if ARGV[2] == '' then
      redis.call('ZREM', KEYS[1], ARGV[i])
    else
      redis.call('ZADD', KEYS[1], 'XX', ARGV[2], ARGV[i])
    end
    n = n + 1
  end
end
return n
`;
