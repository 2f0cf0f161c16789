import type { HarEntry } from './har-format.js';

export type PairedBy = 'traceparent' | 'x-request-id' | 'method+url+order';

export interface EntryPair {
  primary: number;
  shadow: number;
  by: PairedBy;
  /** The trace id, request id, or `METHOD /path?query #n` that matched. */
  key: string;
}

export interface Pairing {
  pairs: EntryPair[];
  unpairedPrimary: number[];
  unpairedShadow: number[];
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}/i;

function header(entry: HarEntry, name: string): string | undefined {
  return entry.request.headers.find((h) => h.name.toLowerCase() === name)?.value.trim();
}

function traceKeys(entry: HarEntry): { by: PairedBy; key: string }[] {
  const keys: { by: PairedBy; key: string }[] = [];
  const tp = TRACEPARENT.exec(header(entry, 'traceparent') ?? '');
  if (tp?.[1] && !/^0+$/.test(tp[1])) keys.push({ by: 'traceparent', key: tp[1].toLowerCase() });
  const rid = header(entry, 'x-request-id');
  if (rid) keys.push({ by: 'x-request-id', key: rid });
  return keys;
}

function requestKey(entry: HarEntry): string {
  const url = new URL(entry.request.url);
  // Host left out on purpose: the primary and the shadow usually live at different hosts.
  return `${entry.request.method.toUpperCase()} ${url.pathname}${url.search}`;
}

/**
 * Pairs the entries of two HAR captures of the same traffic. A trace header present on both sides
 * wins (W3C traceparent trace-id, then x-request-id); entries left over pair by method + path +
 * query, the n-th occurrence on one side with the n-th on the other, in file order. What is left
 * after both passes stays unpaired (an orphan half, as the worker would call it).
 */
export function pairEntries(primary: HarEntry[], shadow: HarEntry[]): Pairing {
  const pairs: EntryPair[] = [];
  const takenShadow = new Set<number>();
  const takenPrimary = new Set<number>();

  for (const by of ['traceparent', 'x-request-id'] as const) {
    const byKey = new Map<string, number[]>();
    shadow.forEach((entry, i) => {
      if (takenShadow.has(i)) return;
      for (const k of traceKeys(entry)) {
        if (k.by !== by) continue;
        const list = byKey.get(k.key) ?? [];
        list.push(i);
        byKey.set(k.key, list);
      }
    });
    primary.forEach((entry, i) => {
      if (takenPrimary.has(i)) return;
      const k = traceKeys(entry).find((t) => t.by === by);
      const match = k && byKey.get(k.key)?.shift();
      if (k && match !== undefined) {
        pairs.push({ primary: i, shadow: match, by, key: k.key });
        takenPrimary.add(i);
        takenShadow.add(match);
      }
    });
  }

  const byRequest = new Map<string, number[]>();
  shadow.forEach((entry, i) => {
    if (takenShadow.has(i)) return;
    const key = requestKey(entry);
    const list = byRequest.get(key) ?? [];
    list.push(i);
    byRequest.set(key, list);
  });
  const occurrence = new Map<string, number>();
  primary.forEach((entry, i) => {
    if (takenPrimary.has(i)) return;
    const key = requestKey(entry);
    const n = occurrence.get(key) ?? 0;
    occurrence.set(key, n + 1);
    const match = byRequest.get(key)?.shift();
    if (match === undefined) return;
    pairs.push({ primary: i, shadow: match, by: 'method+url+order', key: `${key} #${n + 1}` });
    takenPrimary.add(i);
    takenShadow.add(match);
  });

  pairs.sort((a, b) => a.primary - b.primary);
  return {
    pairs,
    unpairedPrimary: primary.map((_, i) => i).filter((i) => !takenPrimary.has(i)),
    unpairedShadow: shadow.map((_, i) => i).filter((i) => !takenShadow.has(i)),
  };
}
