import type { DiffOp } from '@shadowdiff/contracts';

/** Diff kinds that can be noise: a status change never is. */
export type NoiseDiffKind = 'body' | 'header';

/**
 * What an entry is about. `value`: the scalar at `path` changes between primary and shadow (a
 * timestamp, a token). `order`: the array at `path` holds the same elements on both sides in a
 * different order (a set serialised in hash order).
 */
export type NoiseAspect = 'value' | 'order';

/** A user's decision on an entry. Decisions outrank evidence and never expire. */
export type NoiseDecision = 'confirmed' | 'rejected';

/** How an entry stands: `learned` by evidence, or decided by a user. */
export type NoiseState = 'learned' | NoiseDecision;

/**
 * Classes of one observed change (primary value, shadow value). `integer` becomes a `counter`
 * only when the primary side keeps rising across requests (see the learner).
 */
export const VALUE_CLASSES = [
  'time',
  'id',
  'token',
  'integer',
  'jitter',
  'number',
  'text',
  'other',
] as const;
export type ValueClass = (typeof VALUE_CLASSES)[number];

/** One route x kind x aspect x path of one service: the unit the learner decides on. */
export interface NoiseKey {
  service: string;
  /** Templated route, e.g. `GET /orders/{id}`. */
  route: string;
  kind: NoiseDiffKind;
  aspect: NoiseAspect;
  /** JSON pointer with `*` for collapsed indexes (body), or a header name. */
  path: string;
}

/** Observations of one entry in one flush window; every count adds up across workers. */
export interface NoiseEntryDelta {
  kind: NoiseDiffKind;
  aspect: NoiseAspect;
  path: string;
  /**
   * Index (0-based) of the route's pair in this window at which this worker first saw the entry:
   * a store keeps the earliest `since` = route pairs before this window + `firstAt`, so an entry
   * that appears late is judged only over the pairs it could have changed in.
   */
  firstAt: number;
  /** `value`: pairs where the value changed. `order`: pairs where the arrays were a permutation. */
  changes: number;
  /** `order` only: pairs where the arrays differed in content (not a permutation). */
  other: number;
  /** `value`: changes with both values seen, by class (their sum is the valued observations). */
  classes: Partial<Record<ValueClass, number>>;
  /**
   * 32-bit hashes of the primary-side values seen, at most `NOISE_SKETCH_SIZE` smallest (a KMV
   * sketch of the window; merging keeps the k smallest overall).
   */
  hashes: number[];
  /** Successive numeric primary values compared (`steps`) and how many rose (`rises`). */
  rises: number;
  steps: number;
  /** `order` only: permutations where the primary / shadow array was sorted (deterministic order). */
  sortedPrimary: number;
  sortedShadow: number;
}

/**
 * Primary-vs-secondary (noise) and primary-vs-shadow counts for the Diffy-style secondary role,
 * per kind x op x path, over pairs where all three roles answered.
 */
export interface SecondaryDelta {
  pairs: number;
  paths: { kind: NoiseDiffKind; op: DiffOp; path: string; secondary: number; shadow: number }[];
}

export interface RouteNoiseDelta {
  route: string;
  /** Pairs compared on this route in the window (primary vs shadow; orphans and errors excluded). */
  pairs: number;
  entries: NoiseEntryDelta[];
  secondary?: SecondaryDelta;
}

/** What one worker flushes: additive, so any number of workers add up. */
export interface NoiseDelta {
  service: string;
  routes: RouteNoiseDelta[];
}

/** The stored statistics of one entry (sums over every worker and window). */
export interface NoiseEntryStats {
  kind: NoiseDiffKind;
  aspect: NoiseAspect;
  path: string;
  /** Route pair count when the entry was first seen. */
  since: number;
  changes: number;
  other: number;
  classes: Partial<Record<ValueClass, number>>;
  /** Estimated distinct primary-side values (exact below `NOISE_SKETCH_SIZE`). */
  distinct: number;
  rises: number;
  steps: number;
  sortedPrimary: number;
  sortedShadow: number;
  /** Set when evidence made it noise (a worker marked it); absent otherwise. */
  learnedAt?: number;
  /**
   * Samples the entry had when it was learned. A learned set is normalized away and no longer
   * observed, so its evidence is shown as it stood then, not diluted by later pairs.
   */
  learnedSamples?: number;
}

/** An entry to mark learned, with the samples its evidence covered then. */
export interface NoiseMark {
  key: NoiseKey;
  samples: number;
}

export interface SecondaryStats {
  pairs: number;
  paths: { kind: NoiseDiffKind; op: DiffOp; path: string; secondary: number; shadow: number }[];
}

export interface RouteNoiseStats {
  route: string;
  /** Every pair compared on the route since statistics began. */
  pairs: number;
  entries: NoiseEntryStats[];
  secondary?: SecondaryStats;
}

/** A user decision, kept apart from the statistics so it outlives them. */
export interface NoiseDecisionRecord {
  route: string;
  kind: NoiseDiffKind;
  aspect: NoiseAspect;
  path: string;
  decision: NoiseDecision;
  /** Epoch ms. */
  at: number;
  /** Free text from the user (`--note`), shown in `noise list` and the export. */
  note?: string;
}

/** The record a store keeps for `decide(key, decision, at, note)`. */
export function noiseDecisionRecord(
  key: NoiseKey,
  decision: NoiseDecision,
  at: number,
  note?: string,
): NoiseDecisionRecord {
  const record: NoiseDecisionRecord = {
    route: key.route,
    kind: key.kind,
    aspect: key.aspect,
    path: key.path,
    decision,
    at,
  };
  if (note !== undefined) record.note = note;
  return record;
}

/** Everything known about one service's noise. */
export interface NoiseSnapshot {
  service: string;
  routes: RouteNoiseStats[];
  decisions: NoiseDecisionRecord[];
}

/**
 * Noise statistics and decisions (Redis in a fleet, memory when embedded). Statistics are
 * additive and best effort (a lost window only delays learning); decisions are durable.
 */
export interface NoiseStore {
  /** Adds one window of observations. */
  record(delta: NoiseDelta): Promise<void>;
  /** Statistics and decisions of a service. */
  load(service: string): Promise<NoiseSnapshot>;
  /** Services with statistics or decisions. */
  services(): Promise<string[]>;
  /**
   * Marks entries learned at `at` — a no-op for entries already marked or unknown. Workers call it
   * when evidence crosses the thresholds (learning is sticky); user decisions live apart and are
   * never touched.
   */
  markLearned(marks: NoiseMark[], at: number): Promise<void>;
  /**
   * Records a user's decision, or clears it (`undefined`: back to automatic). Resolves to
   * whether a decision existed before.
   */
  decide(
    key: NoiseKey,
    decision: NoiseDecision | undefined,
    at: number,
    note?: string,
  ): Promise<boolean>;
}
