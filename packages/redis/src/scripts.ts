import type { ChainableCommander, Redis } from 'ioredis';
import { LEASE_DUE_LUA, SETTLE_LEASE_LUA } from './lua/deadline-index.js';
import { EXPIRE_LUA } from './lua/expire.js';
import { MARK_EMITTED_LUA } from './lua/mark-emitted.js';
import { CLAIM_PAIRS_LUA } from './lua/claim-pairs.js';
import { OFFER_LUA } from './lua/offer.js';

/** Versioned names: a changed script gets a new name, so mixed fleets never run a stale body. */
const SCRIPTS = {
  sdOfferV2: OFFER_LUA,
  sdClaimPairsV1: CLAIM_PAIRS_LUA,
  sdExpireV1: EXPIRE_LUA,
  sdMarkEmittedV1: MARK_EMITTED_LUA,
  sdLeaseDueV1: LEASE_DUE_LUA,
  sdSettleLeaseV1: SETTLE_LEASE_LUA,
} as const;

export type ScriptName = keyof typeof SCRIPTS;
export type ScriptArg = string | Buffer | Uint8Array | number;

type ScriptCall = (numKeys: number, ...args: ScriptArg[]) => Promise<unknown>;

const defined = new WeakSet<object>();

/**
 * Defines the scripts on a connection (EVALSHA, falling back to EVAL after a Redis restart emptied
 * the script cache: ioredis handles NOSCRIPT, also inside pipelines).
 */
export function defineScripts(redis: Redis): void {
  if (defined.has(redis)) return;
  for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(name, { lua });
  defined.add(redis);
}

/** Runs a script; `Buffer` variant so binary halves come back byte for byte. */
export function runScript(
  target: Redis | ChainableCommander,
  name: ScriptName,
  keys: readonly string[],
  args: readonly ScriptArg[],
): Promise<unknown> {
  const call = (target as unknown as Record<string, ScriptCall>)[`${name}Buffer`];
  if (call === undefined) throw new Error(`script ${name} is not defined on this connection`);
  return call.call(target, keys.length, ...keys, ...args);
}
