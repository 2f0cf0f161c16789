import type { TapRecord } from '@shadowdiff/contracts';
import { parseHar } from './har-format.js';
import type { HarEntry } from './har-format.js';
import { captureGap, harEntryToRecord } from './har-record.js';
import { pairEntries } from './pair-entries.js';
import type { PairedBy } from './pair-entries.js';

export interface HarInput {
  /** Shown in errors and kept in record meta. */
  file: string;
  text: string;
}

export interface HarImportOptions {
  service: string;
  /**
   * Prefix of every trace id, unique per import by default: the worker deduplicates verdicts by
   * trace id, so importing the same files again must not look like a replay of the first import.
   * Pass the same run id to resume an interrupted import without double counting.
   */
  runId: string;
  /** Default `har-import`. */
  tapId?: string;
  /** Default 1 MiB. */
  maxBodyBytes?: number;
  /** Publish entries without a partner as lone halves (orphans in the worker). Default true. */
  includeUnpaired?: boolean;
}

export interface HarImportSummary {
  entries: { primary: number; shadow: number };
  pairs: Record<PairedBy, number> & { total: number };
  unpaired: { primary: number; shadow: number };
  /**
   * Entries the browser aborted (`captureGap`): `body` ones are published without their body
   * (flagged truncated, not judged); `response` ones (no response at all) are left out, with their
   * partner: `pairsLeftOut` pairs were not published.
   */
  notCaptured: {
    body: { primary: number; shadow: number };
    response: { primary: number; shadow: number };
    pairsLeftOut: number;
  };
  records: number;
}

/**
 * Parses both HAR files, pairs their entries and builds the TapRecords to publish: both halves of
 * a pair share a trace id. Pure; throws HarFormatError (naming file, entry and field) on bad input.
 */
export function planHarImport(
  primary: HarInput,
  shadow: HarInput,
  options: HarImportOptions,
): { records: TapRecord[]; summary: HarImportSummary } {
  const primaryEntries = parseHar(primary.text, primary.file);
  const shadowEntries = parseHar(shadow.text, shadow.file);
  const pairing = pairEntries(primaryEntries, shadowEntries);
  const common = {
    service: options.service,
    tapId: options.tapId ?? 'har-import',
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
  };
  const records: TapRecord[] = [];
  const notCaptured: HarImportSummary['notCaptured'] = {
    body: { primary: 0, shadow: 0 },
    response: { primary: 0, shadow: 0 },
    pairsLeftOut: 0,
  };
  /** Counts what the browser did not capture; false when the entry has no response to judge. */
  const judgeable = (entry: HarEntry, role: 'primary' | 'shadow'): boolean => {
    const gap = captureGap(entry);
    if (gap !== undefined) notCaptured[gap.missing][role] += 1;
    return gap?.missing !== 'response';
  };
  pairing.pairs.forEach((pair, n) => {
    const primaryOk = judgeable(primaryEntries[pair.primary]!, 'primary');
    const shadowOk = judgeable(shadowEntries[pair.shadow]!, 'shadow');
    if (!primaryOk || !shadowOk) {
      notCaptured.pairsLeftOut += 1;
      return;
    }
    const traceId = `har-${options.runId}-${n}`;
    records.push(
      harEntryToRecord(primaryEntries[pair.primary]!, {
        ...common,
        traceId,
        role: 'primary',
        file: primary.file,
        index: pair.primary,
        pairedBy: pair.by,
      }),
      harEntryToRecord(shadowEntries[pair.shadow]!, {
        ...common,
        traceId,
        role: 'shadow',
        file: shadow.file,
        index: pair.shadow,
        pairedBy: pair.by,
      }),
    );
  });
  if (options.includeUnpaired ?? true) {
    for (const i of pairing.unpairedPrimary) {
      if (!judgeable(primaryEntries[i]!, 'primary')) continue;
      records.push(
        harEntryToRecord(primaryEntries[i]!, {
          ...common,
          traceId: `har-${options.runId}-p${i}`,
          role: 'primary',
          file: primary.file,
          index: i,
          pairedBy: 'unpaired',
        }),
      );
    }
    for (const i of pairing.unpairedShadow) {
      if (!judgeable(shadowEntries[i]!, 'shadow')) continue;
      records.push(
        harEntryToRecord(shadowEntries[i]!, {
          ...common,
          traceId: `har-${options.runId}-s${i}`,
          role: 'shadow',
          file: shadow.file,
          index: i,
          pairedBy: 'unpaired',
        }),
      );
    }
  }
  const count = (by: PairedBy) => pairing.pairs.filter((p) => p.by === by).length;
  return {
    records,
    summary: {
      entries: { primary: primaryEntries.length, shadow: shadowEntries.length },
      pairs: {
        traceparent: count('traceparent'),
        'x-request-id': count('x-request-id'),
        'method+url+order': count('method+url+order'),
        total: pairing.pairs.length,
      },
      unpaired: { primary: pairing.unpairedPrimary.length, shadow: pairing.unpairedShadow.length },
      notCaptured,
      records: records.length,
    },
  };
}
