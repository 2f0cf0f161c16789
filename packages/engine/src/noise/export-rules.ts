import type { NoiseListing } from './noise-view.js';

export interface ExportRulesOptions {
  service: string;
  /** Shown in the header comment, e.g. an ISO timestamp (the engine reads no clock). */
  generatedAt: string;
}

/** A YAML double-quoted scalar: JSON string escapes are valid YAML. */
const q = (s: string) => JSON.stringify(s);

function evidenceNote(l: NoiseListing): string {
  const e = l.evidence;
  const who = l.status === 'confirmed' ? 'confirmed' : 'learned';
  const pct = `${Math.round(e.changeRate * 100)}%`;
  const seen =
    l.aspect === 'order'
      ? `reordered in ${pct} of ${e.samples} pairs`
      : `${e.valueKind}, changed in ${pct} of ${e.samples} pairs, ${e.distinct} distinct`;
  const note = l.decision?.note !== undefined ? ` — ${l.decision.note.replace(/\s+/g, ' ')}` : '';
  return `${who}: ${seen}${note}`;
}

/**
 * The learned and confirmed entries as the config's `rules.routes[]` (rejected and still
 * observed ones are left out), one route per entry in route order, each line commented with its
 * evidence, so the noise can be reviewed in git and kept as configuration. Value paths become
 * `ignore` pointers, sets become `arrays: { <path>: set }`. Header noise has no per-route ignore
 * in the config: it is listed as a comment saying to drop the header from `rules.headers`.
 */
export function exportRules(
  listings: readonly NoiseListing[],
  options: ExportRulesOptions,
): string {
  const active = listings.filter((l) => l.status === 'learned' || l.status === 'confirmed');
  const byRoute = new Map<string, NoiseListing[]>();
  for (const l of active) {
    let list = byRoute.get(l.route);
    if (list === undefined) byRoute.set(l.route, (list = []));
    list.push(l);
  }
  const lines = [
    `# Noise rules for service ${q(options.service)}, exported by \`shadowdiff noise export\` at ${options.generatedAt}.`,
    '# Review, then merge rules.routes into the config file. Each line says what the noise is.',
  ];
  if (byRoute.size === 0) {
    lines.push('# Nothing learned or confirmed yet.', 'rules:', '  routes: []');
    return lines.join('\n') + '\n';
  }
  lines.push('rules:', '  routes:');
  for (const route of [...byRoute.keys()].sort()) {
    const entries = (byRoute.get(route) as NoiseListing[])
      .slice()
      .sort((a, b) => (a.path < b.path ? -1 : 1));
    lines.push(`    - route: ${q(route)}`);
    const ignore = entries.filter((l) => l.kind === 'body' && l.aspect === 'value');
    const sets = entries.filter((l) => l.kind === 'body' && l.aspect === 'order');
    const headers = entries.filter((l) => l.kind === 'header');
    if (ignore.length > 0) {
      lines.push('      ignore:');
      for (const l of ignore) lines.push(`        - ${q(l.path)} # ${evidenceNote(l)}`);
    }
    if (sets.length > 0) {
      lines.push('      arrays:');
      for (const l of sets) lines.push(`        ${q(l.path)}: set # ${evidenceNote(l)}`);
    }
    for (const l of headers) {
      lines.push(
        `      # header ${q(l.path)} is noise (${evidenceNote(l)}): drop it from rules.headers`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
