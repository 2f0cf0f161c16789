import { decodeTapsMessage } from '@shadowdiff/contracts';
import type { CensusRecord, DecodeError, Role, TapRecord } from '@shadowdiff/contracts';
import type { SourceMessage } from '../ports/record-source.js';
import type { CompiledRules } from '../route/compile-rules.js';
import { matchRoute, templateRoute } from '../route/template-route.js';
import type { RouteMatch } from '../route/template-route.js';

/** One half of a pair, decoded once, with its route templated once: what later stages pass along. */
export interface ClassifiedHalf {
  record: TapRecord;
  /** The encoded record, stored as is. */
  bytes: Uint8Array;
  /** Kafka publish time of this half, epoch ms. */
  publishedAt: number;
  /** The record's templated route and configured rule. */
  route: RouteMatch;
  /** Every role this trace needs (its tap's `meta.roles`, else the configured ones). */
  expected: readonly Role[];
}

/** A tap's census with the route its counts belong to. */
export interface ClassifiedCensus {
  census: CensusRecord;
  route: string;
}

/** What one `shadowdiff.taps` message is. */
export type Classified =
  | { kind: 'half'; half: ClassifiedHalf }
  | ({ kind: 'census' } & ClassifiedCensus)
  | { kind: 'invalid'; error: DecodeError };

export interface ClassifyContext {
  rules: CompiledRules;
  /** The roles a trace needs, read from one of its records. */
  rolesOf(record: TapRecord): readonly Role[];
}

/**
 * Decodes and classifies one message (pure). A half's route is templated here, once; a census
 * keeps the route its tap templated (older taps sent only a path: templated here then).
 */
export function classify(message: SourceMessage, ctx: ClassifyContext): Classified {
  const decoded = decodeTapsMessage(message.value);
  if (!decoded.ok) return { kind: 'invalid', error: decoded.error };
  const taps = decoded.value;
  if (taps.kind === 'census') {
    const census = taps.census;
    const route = census.route ?? templateRoute(census.method, census.path, ctx.rules);
    return { kind: 'census', census, route };
  }
  const record = taps.record;
  return {
    kind: 'half',
    half: {
      record,
      // decodeTapsMessage decoded these bytes: they are there.
      bytes: message.value!,
      publishedAt: message.timestamp,
      route: matchRoute(record.request.method, record.request.url, ctx.rules),
      expected: ctx.rolesOf(record),
    },
  };
}

export interface ClassifiedBatch {
  halves: ClassifiedHalf[];
  census: ClassifiedCensus[];
  invalid: { message: SourceMessage; error: DecodeError }[];
}

/** Classifies a batch, keeping each kind in batch order. */
export function classifyBatch(
  batch: readonly SourceMessage[],
  ctx: ClassifyContext,
): ClassifiedBatch {
  const out: ClassifiedBatch = { halves: [], census: [], invalid: [] };
  for (const message of batch) {
    const c = classify(message, ctx);
    switch (c.kind) {
      case 'half':
        out.halves.push(c.half);
        break;
      case 'census':
        out.census.push({ census: c.census, route: c.route });
        break;
      case 'invalid':
        out.invalid.push({ message, error: c.error });
        break;
      default: {
        const never: never = c;
        throw new Error(`unexpected message kind ${JSON.stringify(never)}`);
      }
    }
  }
  return out;
}
