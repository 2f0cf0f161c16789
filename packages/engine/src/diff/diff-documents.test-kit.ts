import type { RulesConfigInput } from '@shadowdiff/contracts';
import { normalizeJson } from '../normalize/normalize-json.js';
import { compileRules } from '../route/compile-rules.js';
import { DiffCollector } from './collector.js';
import type { DiffResult } from './collector.js';
import { diffJson } from './json-diff.js';

/**
 * Diffs two documents under `config`'s first route rule, normalizing them (array keys included)
 * as the judge would. Test helper: inputs are cloned, never touched.
 */
export function diffDocuments(a: unknown, b: unknown, config: RulesConfigInput = {}): DiffResult {
  const rules = compileRules(config);
  const rule = rules.routes[0];
  const arrays = rule?.arrays ?? [];
  const out = new DiffCollector();
  diffJson(
    normalizeJson(structuredClone(a), arrays),
    normalizeJson(structuredClone(b), arrays),
    { rules, rule },
    out,
  );
  return out.result();
}
