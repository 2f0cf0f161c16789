import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { findPromtool, runPromtool } from '../support/promtool.js';

// promtool is a real binary (Debian package `prometheus`): these tests run it, never a stand-in.
// When it is missing they FAIL with the install command (infra/local/ensure-tools.sh), so a
// machine without it cannot pass by skipping.
const here = fileURLToPath(new URL('.', import.meta.url));
const ruleFiles = readdirSync(join(here, 'rules'))
  .filter((f) => f.endsWith('.yml'))
  .map((f) => `rules/${f}`);
const testFiles = readdirSync(join(here, 'tests'))
  .filter((f) => f.endsWith('.test.yml'))
  .map((f) => `tests/${f}`);

interface RuleGroupFile {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
}
interface PromtoolTestFile {
  tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A copy of infra/prometheus with one rule file edited, for "the tests can fail" checks. */
function mutatedCopy(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sd-prom-'));
  scratch.push(dir);
  cpSync(join(here, 'rules'), join(dir, 'rules'), { recursive: true });
  cpSync(join(here, 'tests'), join(dir, 'tests'), { recursive: true });
  const target = join(dir, file);
  const before = readFileSync(target, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  writeFileSync(target, after);
  return dir;
}

describe('Prometheus rules (promtool)', () => {
  const promtool = findPromtool();

  it('has rule files and unit-test files to check', () => {
    expect(ruleFiles).toEqual(['rules/shadowdiff.alerts.yml', 'rules/shadowdiff.rules.yml']);
    expect(testFiles.length).toBeGreaterThanOrEqual(2);
  });

  it('`promtool check rules` accepts every rule file', () => {
    const run = runPromtool(promtool, ['check', 'rules', ...ruleFiles], here);
    expect(run.output).not.toMatch(/FAILED/);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('`promtool check config` accepts the compose stack config and the rules it loads', () => {
    const run = runPromtool(promtool, ['check', 'config', 'prometheus.yml'], here);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/SUCCESS: 2 rule files found/);
  });

  it('`promtool test rules` passes every unit test', () => {
    const run = runPromtool(promtool, ['test', 'rules', ...testFiles], here);
    expect(run.status, run.output).toBe(0);
    expect(run.output.match(/SUCCESS/g)).toHaveLength(testFiles.length);
  });

  it('every alert has a unit test in which it fires', () => {
    const alerts = ruleFiles
      .flatMap((f) => (parseYaml(readFileSync(join(here, f), 'utf8')) as RuleGroupFile).groups)
      .flatMap((g) => g.rules)
      .flatMap((r) => (r.alert ? [r.alert] : []));
    const firing = new Set(
      testFiles
        .flatMap((f) => (parseYaml(readFileSync(join(here, f), 'utf8')) as PromtoolTestFile).tests)
        .flatMap((t) => t.alert_rule_test ?? [])
        .filter((t) => (t.exp_alerts ?? []).length > 0)
        .map((t) => t.alertname),
    );
    expect(alerts.length).toBeGreaterThanOrEqual(5);
    expect(alerts.filter((a) => !firing.has(a))).toEqual([]);
  });

  it('fails when the diff-rate threshold is raised above the seeded drift', () => {
    const dir = mutatedCopy('rules/shadowdiff.alerts.yml', (t) =>
      t.replace(
        'service_route:shadow_diff_rate_decided:ratio_rate5m > 0.01',
        'service_route:shadow_diff_rate_decided:ratio_rate5m > 0.2',
      ),
    );
    const run = runPromtool(promtool, ['test', 'rules', ...testFiles], dir);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/alertname: ShadowDiffRateHigh/);
  });

  it('fails when the diff-rate alert counts undecided noise (a warming route would page)', () => {
    const dir = mutatedCopy('rules/shadowdiff.alerts.yml', (t) =>
      t.replace(
        'service_route:shadow_diff_rate_decided:ratio_rate5m > 0.01',
        'service_route:shadow_diff_rate:ratio_rate5m > 0.01',
      ),
    );
    const run = runPromtool(promtool, ['test', 'rules', ...testFiles], dir);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/alertname: ShadowDiffRateHigh/);
    expect(run.output).toMatch(/GET \/warming/);
  });

  it('fails when the latency-drift 5 ms floor is dropped (a 1.5 -> 3.5 ms route would page)', () => {
    const dir = mutatedCopy('rules/shadowdiff.alerts.yml', (t) =>
      t.replace('p50_excess_seconds:5m >= 0.005', 'p50_excess_seconds:5m >= 0'),
    );
    const run = runPromtool(promtool, ['test', 'rules', ...testFiles], dir);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/alertname: ShadowLatencyRegressed/);
    expect(run.output).toMatch(/GET \/tiny/);
  });

  it('fails when latency drift is read from p99 instead of the paired p50', () => {
    const dir = mutatedCopy('rules/shadowdiff.rules.yml', (t) =>
      t.replace(
        /(service_route:shadow_latency_p50:ratio_5m\n\s+expr: \|\n\s+)service_route_role:shadow_latency_seconds:p50_5m/,
        '$1service_route_role:shadow_latency_seconds:p99_5m',
      ),
    );
    const run = runPromtool(promtool, ['test', 'rules', ...testFiles], dir);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/service_route:shadow_latency_p50:ratio_5m/);
  });

  it('fails when the env="shadow" filter is dropped (staging traffic would count)', () => {
    const dir = mutatedCopy('rules/shadowdiff.rules.yml', (t) =>
      t.replace('rate(shadow_pairs_total{env="shadow"}[5m])', 'rate(shadow_pairs_total[5m])'),
    );
    const run = runPromtool(promtool, ['test', 'rules', ...testFiles], dir);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/service_route:shadow_diff_rate:ratio_rate5m/);
  });
});
