import type { NoiseConfig } from '@shadowdiff/contracts';
import type { NoiseDecision, NoiseKey, NoiseStore } from '../ports/noise-store.js';
import type { CompiledRules } from '../route/compile-rules.js';
import { exportRules } from './export-rules.js';
import { NoiseView } from './noise-view.js';
import type { NoiseListing } from './noise-view.js';

export interface NoiseCatalogOptions {
  store: NoiseStore;
  config: NoiseConfig;
  rules: CompiledRules;
}

/** Which entry a user means: its id from `noise list`, or route + path (+ kind, aspect). */
export type NoiseRef =
  | { id: string }
  | { route: string; path: string; kind?: NoiseKey['kind']; aspect?: NoiseKey['aspect'] };

export type NoiseLookup =
  | { kind: 'found'; entry: NoiseListing }
  /** No entry matches; a route + path ref can still be decided ahead of any evidence. */
  | { kind: 'missing' }
  | { kind: 'ambiguous'; entries: NoiseListing[] };

/**
 * What users see of learned noise and how they overrule it — the read/decide side shared by the
 * `shadowdiff noise` verb and the console. Decisions are the learner's own (the same view the
 * workers judge with), so what is listed is exactly what is suppressed.
 */
export class NoiseCatalog {
  constructor(private readonly options: NoiseCatalogOptions) {}

  /** The decided view of one service. */
  async view(service: string): Promise<NoiseView> {
    return new NoiseView(await this.options.store.load(service), this.options);
  }

  /** Entries of one service, or of every service with statistics or decisions. */
  async list(service?: string): Promise<NoiseListing[]> {
    const services = service !== undefined ? [service] : await this.options.store.services();
    const out: NoiseListing[] = [];
    for (const s of services.sort()) out.push(...(await this.view(s)).list());
    return out;
  }

  /** Resolves a user's reference to one entry. */
  async find(ref: NoiseRef, service?: string): Promise<NoiseLookup> {
    const all = await this.list(service);
    const matches =
      'id' in ref
        ? all.filter((l) => l.id.startsWith(ref.id.toLowerCase()))
        : all.filter(
            (l) =>
              l.route === ref.route &&
              l.path === ref.path &&
              (ref.kind === undefined || l.kind === ref.kind) &&
              (ref.aspect === undefined || l.aspect === ref.aspect),
          );
    if (matches.length === 1) return { kind: 'found', entry: matches[0] as NoiseListing };
    if (matches.length === 0) return { kind: 'missing' };
    return { kind: 'ambiguous', entries: matches };
  }

  /**
   * Confirms, rejects or (undefined) clears a decision. A rejection sticks: the learner never
   * suppresses the entry again, whatever the evidence, until the decision is cleared.
   */
  decide(
    key: NoiseKey,
    decision: NoiseDecision | undefined,
    at: number,
    note?: string,
  ): Promise<boolean> {
    return this.options.store.decide(key, decision, at, note);
  }

  /** YAML `rules.routes` for the learned and confirmed entries of a service. */
  async export(service: string, generatedAt: string): Promise<string> {
    const listings = (await this.view(service)).list();
    return exportRules(listings, { service, generatedAt });
  }
}
