import type { OrphanScheduler } from '@shadowdiff/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uniqueName } from '../names.js';
import { sleep, waitFor } from './wait-for.js';

/** Settings every scheduler under contract is built with. */
export interface OrphanSchedulerContractSettings {
  /** Delay before trace ids whose `onDue` rejected fire again. */
  retryDelayMs: number;
}

export interface OrphanSchedulerHarness {
  /**
   * A scheduler on the harness's shared state (queue, index). Each call may build a new instance,
   * as a restarted process would; in-process schedulers may return the same one.
   */
  open(): OrphanScheduler;
  close(): Promise<void>;
}

interface Fired {
  traceId: string;
  at: number;
}

/**
 * The behaviour every {@link OrphanScheduler} shares (timers, BullMQ delayed jobs, BullMQ sweeps):
 * fires after the deadline and never before, every trace at least once (once when healthy),
 * idempotent scheduling, retries after a rejected `onDue`, nothing after `stop`, and deadlines
 * surviving a restart.
 */
export function orphanSchedulerContract(
  name: string,
  setup: (settings: OrphanSchedulerContractSettings) => Promise<OrphanSchedulerHarness>,
): void {
  const settings: OrphanSchedulerContractSettings = { retryDelayMs: 300 };

  describe(`OrphanScheduler contract: ${name}`, () => {
    let harness: OrphanSchedulerHarness;
    let running: OrphanScheduler[];

    beforeEach(async () => {
      harness = await setup(settings);
      running = [];
    });
    afterEach(async () => {
      await Promise.all(running.map((scheduler) => scheduler.stop()));
      await harness.close();
    });

    async function started(
      onDue: (traceIds: string[]) => Promise<void>,
      scheduler = harness.open(),
    ): Promise<OrphanScheduler> {
      await scheduler.start(onDue);
      running.push(scheduler);
      return scheduler;
    }

    function recorder(): { fired: Fired[]; onDue: (traceIds: string[]) => Promise<void> } {
      const fired: Fired[] = [];
      return {
        fired,
        onDue: (traceIds) => {
          const at = Date.now();
          for (const traceId of traceIds) fired.push({ traceId, at });
          return Promise.resolve();
        },
      };
    }

    it('fires each trace after its deadline, not before', async () => {
      const { fired, onDue } = recorder();
      const scheduler = await started(onDue);
      const now = Date.now();
      const entries = [
        { traceId: uniqueName('late'), dueAt: now + 1_200 },
        { traceId: uniqueName('soon'), dueAt: now + 600 },
        { traceId: uniqueName('past'), dueAt: now - 1_000 },
      ];
      await scheduler.schedule(entries);
      await waitFor('three fires', () => fired.length >= 3);
      for (const entry of entries) {
        const fire = fired.find((f) => f.traceId === entry.traceId);
        expect(fire, entry.traceId).toBeDefined();
        expect(fire!.at).toBeGreaterThanOrEqual(entry.dueAt);
      }
    });

    it('fires 1000 scheduled traces, each once', async () => {
      const { fired, onDue } = recorder();
      const scheduler = await started(onDue);
      const now = Date.now();
      const entries = Array.from({ length: 1_000 }, (_, i) => ({
        traceId: uniqueName('bulk'),
        dueAt: now + 300 + (i % 10) * 20,
      }));
      for (let i = 0; i < entries.length; i += 250)
        await scheduler.schedule(entries.slice(i, i + 250));
      await waitFor('1000 fires', () => new Set(fired.map((f) => f.traceId)).size >= 1_000, 60_000);
      expect(new Set(fired.map((f) => f.traceId))).toEqual(new Set(entries.map((e) => e.traceId)));
      expect(fired).toHaveLength(1_000);
      const due = new Map(entries.map((e) => [e.traceId, e.dueAt]));
      for (const fire of fired) expect(fire.at).toBeGreaterThanOrEqual(due.get(fire.traceId)!);
    });

    it('schedules idempotently per trace id', async () => {
      const { fired, onDue } = recorder();
      const scheduler = await started(onDue);
      const traceId = uniqueName('twice');
      const marker = uniqueName('marker');
      const dueAt = Date.now() + 300;
      await scheduler.schedule([
        { traceId, dueAt },
        { traceId, dueAt },
      ]);
      await scheduler.schedule([{ traceId, dueAt }]);
      await scheduler.schedule([{ traceId: marker, dueAt: dueAt + 700 }]);
      await waitFor('the later marker to fire', () => fired.some((f) => f.traceId === marker));
      expect(fired.filter((f) => f.traceId === traceId)).toHaveLength(1);
    });

    it('fires again after onDue rejected (at-least-once)', async () => {
      const attempts: Fired[] = [];
      const traceId = uniqueName('flaky');
      const scheduler = await started((traceIds) => {
        for (const id of traceIds) attempts.push({ traceId: id, at: Date.now() });
        return attempts.length === 1 ? Promise.reject(new Error('worker blip')) : Promise.resolve();
      });
      await scheduler.schedule([{ traceId, dueAt: Date.now() + 200 }]);
      await waitFor('a second attempt', () => attempts.length >= 2);
      expect(attempts.every((a) => a.traceId === traceId)).toBe(true);
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(settings.retryDelayMs / 2);
    });

    it('fires nothing after stop, and a restarted scheduler fires what was left', async () => {
      const first = recorder();
      const scheduler = await started(first.onDue);
      const traceId = uniqueName('after-stop');
      const dueAt = Date.now() + 500;
      await scheduler.schedule([{ traceId, dueAt }]);
      await scheduler.stop();
      running = running.filter((s) => s !== scheduler);
      await sleep(dueAt - Date.now() + 700);
      expect(first.fired).toEqual([]);

      const second = recorder();
      await started(second.onDue);
      await waitFor('the fire after restart', () => second.fired.length >= 1);
      expect(second.fired.map((f) => f.traceId)).toEqual([traceId]);
      expect(first.fired).toEqual([]);
    });

    it('shares the work between two schedulers on the same state, each trace fired once', async () => {
      const { fired, onDue } = recorder();
      const a = await started(onDue);
      await started(onDue);
      const now = Date.now();
      const entries = Array.from({ length: 200 }, () => ({
        traceId: uniqueName('fleet'),
        dueAt: now + 300,
      }));
      await a.schedule(entries);
      await waitFor('200 fires', () => fired.length >= 200);
      await sleep(300);
      expect(fired).toHaveLength(200);
    });
  });
}
