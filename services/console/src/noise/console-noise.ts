/**
 * What the console needs from learned noise: a list with evidence, and a way to record a user's
 * decision. Kept structural so the console depends on no store: the `console` verb adapts the
 * fleet's noise store to it, tests pass their own.
 */
export type NoiseState = 'learned' | 'confirmed' | 'rejected';
export type NoiseDecisionInput = 'confirmed' | 'rejected' | null;

export interface NoiseEvidence {
  /** Pairs the entry was judged over. */
  samples: number;
  /** Pairs in which the path changed. */
  changes: number;
  /** changes / samples; null before any sample. */
  changeRate: number | null;
  /** Estimated distinct primary-side values; null when not tracked. */
  distinct: number | null;
  /** Dominant value class (time, id, token, counter, ...); null when unknown. */
  valueKind: string | null;
  /** Epoch ms when evidence made it noise, if it did. */
  learnedAt?: number;
}

export interface NoiseEntryView {
  /** Opaque, stable id for decisions (the API passes it back unchanged). */
  id: string;
  service: string;
  route: string;
  kind: 'body' | 'header';
  /** `value`: the value changes; `order`: an array's order changes. */
  aspect: string;
  path: string;
  state: NoiseState;
  /** Whether judging currently suppresses it (learned and not rejected, or confirmed). */
  active: boolean;
  evidence: NoiseEvidence;
  /** Why it is (or is not) noise, in words. */
  reason?: string;
  decidedAt?: number;
  note?: string;
}

export interface ConsoleNoise {
  /** Entries of one service (all services when omitted), most evidence first. */
  list(service?: string): Promise<NoiseEntryView[]>;
  /**
   * Confirms, rejects, or (null) clears a decision. Resolves to the entry after it; to
   * `{ id, removed: true }` when clearing left an entry with no evidence of its own (it is no
   * longer listed); to undefined when no entry has that id.
   */
  decide(id: string, decision: NoiseDecisionInput): Promise<NoiseDecideResult | undefined>;
}

/** What a decision leaves: the entry, or word that it is gone from the list. */
export type NoiseDecideResult = NoiseEntryView | { id: string; removed: true };
