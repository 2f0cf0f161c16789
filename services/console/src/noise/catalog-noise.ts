import type { Clock, NoiseCatalog, NoiseListing } from '@shadowdiff/engine';
import type { ConsoleNoise, NoiseEntryView, NoiseState } from './console-noise.js';

function stateOf(listing: NoiseListing): NoiseState | undefined {
  switch (listing.status) {
    case 'learned':
    case 'confirmed':
    case 'rejected':
      return listing.status;
    case 'observing':
      // Still gathering evidence: not noise, and not listed (the route's field tree shows it as drift).
      return undefined;
    default: {
      const never: never = listing.status;
      throw new Error(`unknown noise status ${String(never)}`);
    }
  }
}

export function noiseEntryView(listing: NoiseListing): NoiseEntryView | undefined {
  const state = stateOf(listing);
  if (state === undefined) return undefined;
  const e = listing.evidence;
  return {
    id: listing.id,
    service: listing.service,
    route: listing.route,
    kind: listing.kind,
    aspect: listing.aspect,
    path: listing.path,
    state,
    active: state !== 'rejected',
    evidence: {
      samples: e.samples,
      changes: e.changes,
      changeRate: e.samples > 0 ? e.changeRate : null,
      distinct: listing.aspect === 'order' ? null : e.distinct,
      valueKind: e.valueKind,
      ...(listing.learnedAt !== undefined ? { learnedAt: listing.learnedAt } : {}),
    },
    reason: listing.reason,
    ...(listing.decision ? { decidedAt: listing.decision.at } : {}),
    ...(listing.decision?.note !== undefined ? { note: listing.decision.note } : {}),
  };
}

/**
 * The console's noise panel over the learner's own catalog (the same view the workers judge with
 * and `shadowdiff noise` lists), so what the panel shows is exactly what is suppressed.
 */
export function catalogNoise(
  catalog: NoiseCatalog,
  clock: Clock = { now: () => Date.now() },
): ConsoleNoise {
  const list = async (service?: string): Promise<NoiseEntryView[]> =>
    (await catalog.list(service))
      .flatMap((l) => noiseEntryView(l) ?? [])
      .sort(
        (a, b) =>
          b.evidence.samples - a.evidence.samples ||
          a.route.localeCompare(b.route) ||
          a.path.localeCompare(b.path),
      );
  return {
    list,
    async decide(id, decision) {
      const found = await catalog.find({ id });
      if (found.kind !== 'found' || found.entry.id !== id) return undefined;
      const { service, route, kind, aspect, path } = found.entry;
      await catalog.decide(
        { service, route, kind, aspect, path },
        decision ?? undefined,
        clock.now(),
      );
      const after = await catalog.find({ id });
      const view = after.kind === 'found' ? noiseEntryView(after.entry) : undefined;
      // Decided all the same: an entry that only a decision kept listed is gone, not unknown.
      return view ?? { id, removed: true };
    },
  };
}
