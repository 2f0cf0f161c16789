import { formatDuration } from '../cli/parse-flags.js';
import type { EvidenceReport } from './evidence.js';
import { alignmentFrom, ci, fieldName, iso, ms, num, pct, tapModeFrom } from './format.js';
import { latencyText, recountText } from './findings-sections.js';
import { countsText, fieldsTable, routesTable, unmirroredTable } from './tables.js';
import type { TableData } from './tables.js';

/** Escapes text for HTML element content and attribute values. */
export function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function table(head: string[], rows: string[][], numeric: number[] = []): string {
  const th = head
    .map((h, i) => `<th${numeric.includes(i) ? ' class="n"' : ''}>${esc(h)}</th>`)
    .join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="n"' : ''}>${esc(c)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const tableOf = (t: TableData): string => table(t.head, t.rows, t.numeric);

const STYLE = `
:root{--fg:#1d2330;--muted:#5b6475;--line:#e3e7ee;--bg:#fff;--accent:#3b5bdb;--bad:#c92a2a;--ok:#2b8a3e}
*{box-sizing:border-box}body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);margin:0;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:32px 24px 64px;background:var(--bg)}
h1{font-size:24px;margin:0 0 4px}h2{font-size:17px;margin:32px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
.meta{color:var(--muted);margin:0 0 16px}.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:16px 0}
.kpi{border:1px solid var(--line);border-radius:8px;padding:10px 12px}.kpi b{display:block;font-size:20px}.kpi span{color:var(--muted);font-size:12px}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);background:#fafbfc}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f1f3f5;padding:1px 4px;border-radius:4px}ul{padding-left:20px}
`;

/** The evidence package as one self-contained HTML page (no scripts, no external assets). */
export function renderHtml(r: EvidenceReport): string {
  const t = r.totals;
  const recount = recountText(r.recount);
  const latency = latencyText(r.latency);
  const p = r.source.mirrorPolicy;
  const li = (items: string[]) => `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
  const c = (s: string) => `<code>${esc(s)}</code>`;
  const kpi = (v: string, label: string) =>
    `<div class="kpi"><b>${esc(v)}</b><span>${esc(label)}</span></div>`;
  const parts: string[] = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<meta name="viewport" content="width=device-width,initial-scale=1"><title>Shadow evidence: ${esc(r.service)}</title>`,
    `<style>${STYLE}</style></head><body><main>`,
    `<h1>Shadow evidence: ${esc(r.service)}</h1>`,
    `<p class="meta">Owner: ${esc(r.owner ?? '(not set)')} · ${esc(iso(r.range.from))} → ${esc(iso(r.range.to))} (${esc(formatDuration(r.range.to - r.range.from))}) · generated ${esc(iso(r.generatedAt))} by shadowdiff ${esc(r.source.shadowdiffVersion)}</p>`,
    '<div class="kpis">',
    kpi(num(t.compared), 'compared pairs'),
    kpi(pct(t.diffRate), `diff rate (95% CI ${ci(t.diffInterval, t.compared)})`),
    kpi(pct(t.orphanRate), 'orphan rate'),
    kpi(`${pct(t.errorRate.primary)} / ${pct(t.errorRate.shadow)}`, 'error rate primary / shadow'),
    kpi(`${ms(t.latency.primary.p99)} / ${ms(t.latency.shadow.p99)}`, 'p99 primary / shadow'),
    kpi(pct(r.coverage.mirrorRatio), `mirror ratio (configured ${p.percent}%)`),
    '</div>',
    '<h2>Source</h2>',
    li([
      `Tap mode: ${esc(r.source.tapMode)} (${esc(tapModeFrom(r))})`,
      `Config hash (sha256): ${c(r.source.configHash)}`,
      `Mirror policy: ${esc(`${p.percent}% of ${p.methods.join(', ')}`)}${p.writeRoutes.length ? `; writes on ${p.writeRoutes.map(c).join(', ')}` : ''}${p.include.length ? `; include ${p.include.map(c).join(', ')}` : ''}${p.exclude.length ? `; exclude ${p.exclude.map(c).join(', ')}` : ''}; bodies up to ${esc(num(p.maxBodyBytes))} B`,
      `Alignment: roles ${esc(r.source.alignment.roles.join(' + '))}, window ${esc(num(r.source.alignment.windowMs))} ms (${esc(alignmentFrom(r))}), trace id from ${esc(r.source.alignment.traceHeaders.join(' → '))}`,
      r.source.taps.length === 0
        ? 'Taps: none seen on stored examples (matching pairs are not stored).'
        : `Taps (from stored examples): ${r.source.taps
            .map(
              (tap) =>
                `${c(tap.tapId)} (${esc(tap.roles.join(', '))})${
                  Object.keys(tap.meta).length
                    ? ` — ${esc(
                        Object.entries(tap.meta)
                          .map(([k, v]) => `${k}=${v.join('/')}`)
                          .join(', '),
                      )}`
                    : ''
                }`,
            )
            .join('; ')}`,
    ]),
    '<h2>Routes</h2>',
    r.routes.length === 0 ? '<p>No route has verdicts in this range.</p>' : tableOf(routesTable(r)),
    '<h2>Top drifting fields</h2>',
    r.topFields.length === 0 ? '<p>No field drifted.</p>' : tableOf(fieldsTable(r)),
    ...(recount.length > 0
      ? ['<h2>Recounted</h2>', `<p>${esc(recount[0]!)}</p>`, li(recount.slice(1).map(esc))]
      : []),
    '<h2>Latency drift</h2>',
    `<p>${esc(latency.intro)}</p>`,
    ...(latency.table ? [tableOf(latency.table)] : []),
    '<h2>Coverage</h2>',
    r.coverage.routesNeverMirrored.length === 0
      ? '<p>Every route the primary served in the range was mirrored at least once.</p>'
      : `<p>Routes seen by the primary but never mirrored:</p>${tableOf(unmirroredTable(r))}`,
    `<p class="meta">Mirror ratio basis: ${esc(r.coverage.mirrorRatioBasis)}.</p>`,
    '<h2>Isolation</h2>',
    li([
      `Methods mirrored: ${esc(r.isolation.methodsMirrored.join(', '))}${r.isolation.writeRoutes.length ? `; writes only on ${r.isolation.writeRoutes.map(c).join(', ')}` : '; no write routes'}`,
      `Shadow marker header: ${c(r.isolation.markerHeader)}: 1 on every mirrored request`,
      `Shadow responses are discarded; shadow timeout ${esc(num(r.isolation.shadowTimeoutMs))} ms, at most ${esc(num(r.isolation.maxInFlight))} in flight`,
      `Redacted headers: ${r.isolation.redactedHeaders.map(c).join(', ')}`,
      `Redacted JSON paths: ${r.isolation.redactedJsonPaths.length ? r.isolation.redactedJsonPaths.map(c).join(', ') : 'none'}`,
      `Bodies captured up to ${esc(num(r.isolation.captureBodyBytes))} B per side`,
    ]),
    '<h2>Known gaps</h2>',
    li([
      `Suppressed as noise: ${esc(num(r.gaps.suppressed.total))} findings${
        Object.keys(r.gaps.suppressed.byReason).length
          ? ` (${esc(countsText(r.gaps.suppressed.byReason))})`
          : ''
      }${r.gaps.suppressed.top.length ? li(r.gaps.suppressed.top.map((s) => `${esc(s.route)} ${esc(fieldName(s.kind, s.path))}: ${esc(num(s.total))}`)) : ''}`,
      `Bodies not compared because a tap truncated them: ${esc(num(r.gaps.truncatedBodies))}`,
      `Late halves (arrived after their verdict): ${esc(num(r.gaps.lateHalves))}`,
      `Unmirrored routes: ${r.coverage.routesNeverMirrored.length}`,
      `Routes with fewer than 100 compared pairs: ${r.gaps.lowSampleRoutes.length ? r.gaps.lowSampleRoutes.map(c).join(', ') : 'none'}`,
      ...(r.gaps.noise.connected
        ? [
            `Learned noise: ${r.gaps.noise.learned} unreviewed, ${r.gaps.noise.confirmed} confirmed, ${r.gaps.noise.rejected} rejected${
              r.gaps.noise.unreviewed.length
                ? li(
                    r.gaps.noise.unreviewed.map(
                      (e) =>
                        `${esc(e.route)} ${esc(fieldName(e.kind, e.path))} (${esc(e.aspect)}): changed in ${esc(pct(e.evidence.changeRate))} of ${esc(num(e.evidence.samples))} pairs`,
                    ),
                  )
                : ''
            }`,
          ]
        : []),
      ...r.gaps.notes.map(esc),
    ]),
    '</main></body></html>',
    '',
  ];
  return parts.join('\n');
}
