import { NoiseStatsTable, noiseDecisionRecord, noiseId } from '@shadowdiff/engine';
import type {
  NoiseTableMark,
  RouteNoiseDelta,
  NoiseDecision,
  NoiseDecisionRecord,
  NoiseDelta,
  NoiseKey,
  NoiseMark,
  NoiseSnapshot,
  NoiseStore,
} from '@shadowdiff/engine';

/** Everything a {@link MemoryNoiseStore} holds, as plain JSON (what `run --state` writes). */
export interface MemoryNoiseState {
  services: {
    service: string;
    routes: RouteNoiseDelta[];
    learned: NoiseTableMark[];
    decisions: NoiseDecisionRecord[];
  }[];
}

/**
 * {@link NoiseStore} in process memory, for the embedded one-process mode: statistics folded by
 * the engine's `NoiseStatsTable`, decisions in a map. It lives as long as the process (a worker
 * restarted inside it keeps what was learned); memory is bounded by the learner's caps.
 */
export class MemoryNoiseStore implements NoiseStore {
  private readonly tables = new Map<string, NoiseStatsTable>();
  private readonly decisions = new Map<string, Map<string, NoiseDecisionRecord>>();

  record(delta: NoiseDelta): Promise<void> {
    let table = this.tables.get(delta.service);
    if (table === undefined) this.tables.set(delta.service, (table = new NoiseStatsTable()));
    table.record(delta);
    return Promise.resolve();
  }

  load(service: string): Promise<NoiseSnapshot> {
    return Promise.resolve({
      service,
      routes: this.tables.get(service)?.routeStats() ?? [],
      decisions: [...(this.decisions.get(service)?.values() ?? [])].map((d) => ({ ...d })),
    });
  }

  services(): Promise<string[]> {
    return Promise.resolve([...new Set([...this.tables.keys(), ...this.decisions.keys()])]);
  }

  markLearned(marks: NoiseMark[], at: number): Promise<void> {
    for (const m of marks) this.tables.get(m.key.service)?.markLearned(m, at);
    return Promise.resolve();
  }

  decide(
    key: NoiseKey,
    decision: NoiseDecision | undefined,
    at: number,
    note?: string,
  ): Promise<boolean> {
    let decisions = this.decisions.get(key.service);
    if (decisions === undefined) this.decisions.set(key.service, (decisions = new Map()));
    const id = noiseId(key);
    const existed = decisions.has(id);
    if (decision === undefined) decisions.delete(id);
    else {
      decisions.set(id, noiseDecisionRecord(key, decision, at, note));
    }
    return Promise.resolve(existed);
  }

  /** What the store holds (statistics with their sketches, learned marks, decisions). */
  exportState(): MemoryNoiseState {
    const services = new Set([...this.tables.keys(), ...this.decisions.keys()]);
    return {
      services: [...services].map((service) => {
        const { routes, learned } = this.tables.get(service)?.snapshot() ?? {
          routes: [],
          learned: [],
        };
        const decisions = [...(this.decisions.get(service)?.values() ?? [])].map((d) => ({ ...d }));
        return { service, routes, learned, decisions };
      }),
    };
  }

  /** Adds a saved state (into an empty store: resumes exactly where `exportState` was taken). */
  importState(state: MemoryNoiseState): void {
    for (const s of state.services) {
      let table = this.tables.get(s.service);
      if (table === undefined) this.tables.set(s.service, (table = new NoiseStatsTable()));
      table.record({ routes: s.routes });
      for (const m of s.learned) {
        const { at, samples, ...rest } = m;
        table.markLearned({ key: { service: s.service, ...rest }, samples }, at);
      }
      let decisions = this.decisions.get(s.service);
      if (decisions === undefined) this.decisions.set(s.service, (decisions = new Map()));
      for (const d of s.decisions) decisions.set(noiseId({ service: s.service, ...d }), { ...d });
    }
  }
}
