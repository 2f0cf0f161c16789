import { NoiseStatsTable, noiseDecisionRecord, noiseId } from '@shadowdiff/engine';
import type {
  NoiseDecision,
  NoiseDecisionRecord,
  NoiseDelta,
  NoiseKey,
  NoiseMark,
  NoiseSnapshot,
  NoiseStore,
} from '@shadowdiff/engine';

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
}
