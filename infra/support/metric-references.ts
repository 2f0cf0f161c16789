import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Instrument } from './metric-catalog.js';
import { analysePromql, expandGrafanaVariables } from './promql.js';

/** Series Prometheus itself writes (alert state), which a dashboard may read. */
export const PROMETHEUS_BUILTIN_SERIES = new Set(['ALERTS', 'ALERTS_FOR_STATE']);

export interface RuleSet {
  recording: Map<string, string>;
  alerts: { alert: string; expr: string }[];
}

interface RuleFile {
  groups: { name: string; rules: { record?: string; alert?: string; expr: string }[] }[];
}

/** Reads every *.yml rule file in a directory. */
export function loadRules(dir: string): RuleSet {
  const recording = new Map<string, string>();
  const alerts: { alert: string; expr: string }[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))) {
    const doc = parseYaml(readFileSync(join(dir, file), 'utf8')) as RuleFile;
    for (const rule of doc.groups.flatMap((g) => g.rules)) {
      if (rule.record) recording.set(rule.record, rule.expr);
      if (rule.alert) alerts.push({ alert: rule.alert, expr: rule.expr });
    }
  }
  return { recording, alerts };
}

export interface CheckContext {
  /** Series names the worker and tap export (metric-catalog.ts `exportedSeries()`). */
  exported: Map<string, Instrument>;
  /** Recording rules; a selector naming one is checked through the rule's own expression. */
  rules: RuleSet;
  /** Every selector, recording rules included, must carry env="shadow" (dashboards). */
  envOnEverySelector?: boolean;
}

function suggestion(name: string, exported: Map<string, Instrument>): string {
  const stem = name.replace(/_(total|bucket|sum|count|seconds|milliseconds|ms)$/g, '');
  const close = [...exported.keys()].filter(
    (k) => k.startsWith(stem) || stem.startsWith(k.replace(/_(total|bucket|sum|count)$/, '')),
  );
  return close.length > 0 ? ` (did you mean ${close.slice(0, 3).join(' / ')}?)` : '';
}

/**
 * Problems with one PromQL expression: syntax errors, metric names the worker/tap do not export
 * (and that no recording rule defines), raw metrics read without env="shadow". Recording rules
 * are followed into their expressions, so a dashboard reading a rule is as checked as one reading
 * the raw series.
 */
export function checkQuery(expr: string, ctx: CheckContext, seen = new Set<string>()): string[] {
  const problems: string[] = [];
  const analysis = analysePromql(expandGrafanaVariables(expr));
  problems.push(...analysis.errors);
  for (const { metric, matchers } of analysis.selectors) {
    const hasEnv = matchers.env === '="shadow"';
    if (ctx.exported.has(metric)) {
      if (!hasEnv) problems.push(`${metric} is read without env="shadow"`);
    } else if (ctx.rules.recording.has(metric)) {
      if (ctx.envOnEverySelector && !hasEnv)
        problems.push(`${metric} is read without env="shadow"`);
      if (!seen.has(metric)) {
        seen.add(metric);
        for (const p of checkQuery(
          ctx.rules.recording.get(metric)!,
          { ...ctx, envOnEverySelector: false },
          seen,
        )) {
          problems.push(`in recording rule ${metric}: ${p}`);
        }
      }
    } else if (!PROMETHEUS_BUILTIN_SERIES.has(metric)) {
      problems.push(
        `unknown metric ${metric}: not exported by the worker or tap, not a recording rule${suggestion(metric, ctx.exported)}`,
      );
    } else if (ctx.envOnEverySelector && !hasEnv) {
      problems.push(`${metric} is read without env="shadow"`);
    }
  }
  return problems;
}

/** Raw (exported) metric names an expression reads, through recording rules. */
export function exportedMetricsRead(
  expr: string,
  ctx: CheckContext,
  seen = new Set<string>(),
): Set<string> {
  const out = new Set<string>();
  for (const { metric } of analysePromql(expandGrafanaVariables(expr)).selectors) {
    if (ctx.exported.has(metric)) out.add(metric);
    else if (ctx.rules.recording.has(metric) && !seen.has(metric)) {
      seen.add(metric);
      for (const m of exportedMetricsRead(ctx.rules.recording.get(metric)!, ctx, seen)) out.add(m);
    }
  }
  return out;
}
