import { formatDuration } from '../cli/parse-flags.js';
import type { EvidenceReport } from './evidence.js';
import { alignmentFrom, ci, fieldName, iso, ms, num, pct, tapModeFrom } from './format.js';
import { latencyText, recountText } from './findings-sections.js';
import { countsText, fieldsTable, routesTable, unmirroredTable } from './tables.js';

/** Escapes text for a Markdown table cell (pipes and line breaks would break the row). */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text.replace(/\r?\n/g, ' ')}${fence}`;
}

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

/** The evidence package as Markdown (for a PR, a ticket or a wiki page). */
export function renderMarkdown(r: EvidenceReport): string {
  const t = r.totals;
  const policy = r.source.mirrorPolicy;
  const out: string[] = [
    `# Shadow evidence: ${r.service}`,
    '',
    `- **Owner:** ${r.owner ?? '(not set — add `owner:` to the config)'}`,
    `- **Range:** ${iso(r.range.from)} → ${iso(r.range.to)} (${formatDuration(r.range.to - r.range.from)})`,
    `- **Generated:** ${iso(r.generatedAt)} by shadowdiff ${r.source.shadowdiffVersion}`,
    '',
    '## Summary',
    '',
    ...table(
      [
        'Compared pairs',
        'Diff rate',
        '95% CI',
        'Orphan rate',
        'Error rate primary / shadow',
        'p95 primary / shadow',
        'p99 primary / shadow',
      ],
      [
        [
          num(t.compared),
          pct(t.diffRate),
          ci(t.diffInterval, t.compared),
          pct(t.orphanRate),
          `${pct(t.errorRate.primary)} / ${pct(t.errorRate.shadow)}`,
          `${ms(t.latency.primary.p95)} / ${ms(t.latency.shadow.p95)}`,
          `${ms(t.latency.primary.p99)} / ${ms(t.latency.shadow.p99)}`,
        ],
      ],
    ),
    '',
    `Routes covered: **${r.coverage.routesCovered}**; never mirrored: **${r.coverage.routesNeverMirrored.length}**; mirror ratio: **${pct(r.coverage.mirrorRatio)}** (configured ${policy.percent}%).`,
    '',
    '## Source',
    '',
    `- Tap mode: ${r.source.tapMode} (${tapModeFrom(r)})`,
    `- Config hash (sha256): ${code(r.source.configHash)}`,
    `- Mirror policy: ${policy.percent}% of ${policy.methods.join(', ')}` +
      (policy.writeRoutes.length ? `; writes on ${policy.writeRoutes.map(code).join(', ')}` : '') +
      (policy.include.length ? `; include ${policy.include.map(code).join(', ')}` : '') +
      (policy.exclude.length ? `; exclude ${policy.exclude.map(code).join(', ')}` : '') +
      `; bodies up to ${num(policy.maxBodyBytes)} B`,
    `- Alignment: roles ${r.source.alignment.roles.join(' + ')}, window ${num(r.source.alignment.windowMs)} ms (${alignmentFrom(r)}), trace id from ${r.source.alignment.traceHeaders.join(' → ')}`,
  ];
  if (r.source.taps.length === 0) {
    out.push('- Taps: none seen on stored examples (matching pairs are not stored).');
  } else {
    out.push('- Taps (from stored examples):');
    for (const tap of r.source.taps) {
      const meta = Object.entries(tap.meta)
        .map(([k, v]) => `${k}=${v.join('/')}`)
        .join(', ');
      out.push(`  - ${code(tap.tapId)} (${tap.roles.join(', ')})${meta ? ` — ${meta}` : ''}`);
    }
  }
  out.push('', '## Routes', '');
  if (r.routes.length === 0) {
    out.push('No route has verdicts in this range.');
  } else {
    const routes = routesTable(r);
    out.push(...table(routes.head, routes.rows));
  }
  out.push('', '## Top drifting fields', '');
  if (r.topFields.length === 0) {
    out.push('No field drifted.');
  } else {
    const fields = fieldsTable(r);
    out.push(...table(fields.head, fields.rows));
  }
  const recount = recountText(r.recount);
  if (recount.length > 0) {
    out.push('', '## Recounted', '', ...recount.map((line, i) => (i === 0 ? line : `- ${line}`)));
  }
  const latency = latencyText(r.latency);
  out.push('', '## Latency drift', '', latency.intro);
  if (latency.table) out.push('', ...table(latency.table.head, latency.table.rows));
  out.push('', '## Coverage', '');
  if (r.coverage.routesNeverMirrored.length === 0) {
    out.push('Every route the primary served in the range was mirrored at least once.');
  } else {
    out.push('Routes seen by the primary but never mirrored:', '');
    const unmirrored = unmirroredTable(r);
    out.push(...table(unmirrored.head, unmirrored.rows));
  }
  out.push('', `Mirror ratio basis: ${r.coverage.mirrorRatioBasis}.`);
  const iso_ = r.isolation;
  out.push(
    '',
    '## Isolation',
    '',
    `- Methods mirrored: ${iso_.methodsMirrored.join(', ')}${iso_.writeRoutes.length ? `; writes only on ${iso_.writeRoutes.map(code).join(', ')}` : '; no write routes'}`,
    `- Shadow marker header: ${code(iso_.markerHeader)}: 1 on every mirrored request`,
    `- Shadow responses are discarded; shadow timeout ${num(iso_.shadowTimeoutMs)} ms, at most ${num(iso_.maxInFlight)} in flight`,
    `- Redacted headers: ${iso_.redactedHeaders.map(code).join(', ')}`,
    `- Redacted JSON paths: ${iso_.redactedJsonPaths.length ? iso_.redactedJsonPaths.map(code).join(', ') : 'none'}`,
    `- Bodies captured up to ${num(iso_.captureBodyBytes)} B per side`,
  );
  const g = r.gaps;
  out.push(
    '',
    '## Known gaps',
    '',
    `- Suppressed as noise: ${num(g.suppressed.total)} findings` +
      (Object.keys(g.suppressed.byReason).length ? ` (${countsText(g.suppressed.byReason)})` : ''),
  );
  for (const s of g.suppressed.top)
    out.push(`  - ${s.route} ${fieldName(s.kind, s.path)}: ${num(s.total)}`);
  out.push(
    `- Bodies not compared because a tap truncated them: ${num(g.truncatedBodies)}`,
    `- Late halves (arrived after their verdict): ${num(g.lateHalves)}`,
    `- Unmirrored routes: ${r.coverage.routesNeverMirrored.length}`,
    `- Routes with fewer than 100 compared pairs: ${g.lowSampleRoutes.length ? g.lowSampleRoutes.map(code).join(', ') : 'none'}`,
  );
  if (g.noise.connected) {
    out.push(
      `- Learned noise: ${g.noise.learned} unreviewed, ${g.noise.confirmed} confirmed, ${g.noise.rejected} rejected`,
    );
    for (const e of g.noise.unreviewed) {
      out.push(
        `  - ${e.route} ${fieldName(e.kind, e.path)} (${e.aspect}): changed in ${pct(e.evidence.changeRate)} of ${num(e.evidence.samples)} pairs${e.evidence.valueKind ? `, ${e.evidence.valueKind}` : ''}`,
      );
    }
  }
  for (const note of g.notes) out.push(`- ${note}`);
  out.push('');
  return out.join('\n');
}
