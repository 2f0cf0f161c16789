import { fileURLToPath } from 'node:url';
import { COMMANDS } from '@shadowdiff/cli';
import { describe, expect, it } from 'vitest';
import { checkCliArgs } from '../support/cli-args.js';
import { exportedSeries } from '../support/metric-catalog.js';
import { checkQuery, loadRules } from '../support/metric-references.js';
import { readYamlDocuments } from '../support/yaml-docs.js';
import type { K8sObject } from '../support/yaml-docs.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const load = (f: string) => readYamlDocuments(here(f))[0] as K8sObject;
const promTemplate = load('./analysis-template-prometheus.yaml');
const gateTemplate = load('./analysis-template-gate.yaml');
const rollout = load('./rollout-example.yaml');
const ctx = { exported: exportedSeries(), rules: loadRules(here('../prometheus/rules')) };

interface Arg {
  name: string;
  value?: string;
}
interface Metric {
  name: string;
  successCondition?: string;
  failureCondition?: string;
  provider: {
    prometheus?: { address: string; query: string };
    job?: {
      spec: {
        backoffLimit?: number;
        podFailurePolicy?: {
          rules: {
            action: string;
            onExitCodes?: { containerName?: string; operator: string; values: number[] };
          }[];
        };
        template: {
          spec: {
            restartPolicy: string;
            containers: { name: string; image: string; args: string[] }[];
          };
        };
      };
    };
  };
}
const specOf = (t: K8sObject) => t.spec as { args: Arg[]; metrics: Metric[] };

/** `{{args.x}}` references in any string of the object. */
function argRefs(value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(/\{\{\s*args\.([a-zA-Z0-9-]+)\s*\}\}/g)].map(
    (m) => m[1]!,
  );
}

/** Fills `{{args.x}}` with the declared default or the example value. */
function substitute(text: string, args: Arg[], examples: Record<string, string>): string {
  return text.replace(/\{\{\s*args\.([a-zA-Z0-9-]+)\s*\}\}/g, (_, name: string) => {
    const value = args.find((a) => a.name === name)?.value ?? examples[name];
    if (value === undefined) throw new Error(`no value for args.${name}`);
    return value;
  });
}

describe('Argo Rollouts analysis templates', () => {
  it.each([promTemplate, gateTemplate])(
    '$metadata.name is an AnalysisTemplate whose {{args}} are all declared',
    (t) => {
      expect(t.apiVersion).toBe('argoproj.io/v1alpha1');
      expect(t.kind).toBe('AnalysisTemplate');
      const declared = specOf(t).args.map((a) => a.name);
      expect(new Set(declared).size).toBe(declared.length);
      for (const ref of argRefs(specOf(t).metrics)) expect(declared, ref).toContain(ref);
    },
  );

  it('Prometheus template queries real worker metrics on env="shadow" and judges the diff rate', () => {
    const { args, metrics } = specOf(promTemplate);
    expect(metrics.map((m) => m.name)).toEqual(['evidence', 'diff-rate']);
    for (const m of metrics) {
      expect(m.provider.prometheus!.address).toMatch(
        /^\{\{args\.prometheus-address\}\}$|^https?:\/\//,
      );
      const query = substitute(m.provider.prometheus!.query, args, { service: 'orders' });
      expect(checkQuery(query, ctx), m.name).toEqual([]);
      // Both conditions are set, so "neither" (no data, too little traffic) is Inconclusive.
      expect(m.successCondition).toBeTruthy();
      expect(m.failureCondition).toBeTruthy();
    }
    const diff = metrics.find((m) => m.name === 'diff-rate')!;
    expect(diff.successCondition).toContain('{{args.max-diff-ratio}}');
    expect(diff.failureCondition).toContain('{{args.max-diff-ratio}}');
  });

  it('Job template runs `shadowdiff gate` with real flags, mapping exit 1 to fail and 2 to retry', () => {
    const { args, metrics } = specOf(gateTemplate);
    const job = metrics[0]!.provider.job!.spec;
    const container = job.template.spec.containers[0]!;
    expect(job.template.spec.restartPolicy).toBe('Never');
    const cli = checkCliArgs(
      container.args.map((a) => substitute(a, args, {})),
      COMMANDS,
    );
    expect(cli.problems).toEqual([]);
    expect(cli.verb).toBe('gate');
    expect(cli.values).toMatchObject({ 'max-diff-rate': '0.5%', 'min-pairs': '500' });
    const rules = job.podFailurePolicy!.rules;
    const onExit = (code: number) => rules.find((r) => r.onExitCodes?.values.includes(code));
    expect(onExit(1)?.action).toBe('FailJob');
    expect(onExit(2)?.action).toBe('Count');
    for (const r of rules) expect(r.onExitCodes?.containerName).toBe(container.name);
    expect(job.backoffLimit).toBeGreaterThan(0);
  });

  it('the two templates can run in one step: no argument name with two defaults', () => {
    const prom = new Map(specOf(promTemplate).args.map((a) => [a.name, a.value]));
    for (const a of specOf(gateTemplate).args) {
      if (prom.has(a.name)) expect(prom.get(a.name), a.name).toBe(a.value);
    }
  });

  it('the example Rollout runs both analyses before the first canary weight and supplies required args', () => {
    expect(rollout.kind).toBe('Rollout');
    const steps = (rollout.spec as { strategy: { canary: { steps: Record<string, unknown>[] } } })
      .strategy.canary.steps;
    const first = steps[0]!.analysis as {
      templates: { templateName: string }[];
      args: { name: string }[];
    };
    expect(first.templates.map((t) => t.templateName).sort()).toEqual(
      [promTemplate.metadata.name, gateTemplate.metadata.name].sort(),
    );
    expect(steps.findIndex((s) => 'setWeight' in s)).toBe(1);
    const required = [promTemplate, gateTemplate].flatMap((t) =>
      specOf(t)
        .args.filter((a) => a.value === undefined)
        .map((a) => a.name),
    );
    for (const name of required) expect(first.args.map((a) => a.name)).toContain(name);
  });
});
