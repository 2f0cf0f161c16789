import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import { ConsoleData, buildEvidence, renderReport } from '@shadowdiff/console';
import type { ConsoleNoise, ReportFormat, TimeRange } from '@shadowdiff/console';
import type { SampleStore } from '@shadowdiff/engine';

/** The report format a file name asks for: `.html`/`.htm` and `.json` by extension, else Markdown. */
export function reportFormatOf(file: string): ReportFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.html' || ext === '.htm') return 'html';
  if (ext === '.json') return 'json';
  return 'md';
}

/**
 * Writes the evidence package (as `shadowdiff report` would) over an in-process run's stores to
 * `file`. Returns the line to print, or throws with the path and the fix when it cannot write.
 */
export async function writeEvidence(
  file: string,
  stores: { samples: SampleStore; noise: ConsoleNoise },
  config: ShadowdiffConfig,
  range: TimeRange,
  now: number,
): Promise<string> {
  const report = await buildEvidence(
    new ConsoleData(stores.samples, stores.noise),
    config,
    range,
    now,
  );
  const format = reportFormatOf(file);
  try {
    writeFileSync(file, renderReport(report, format));
  } catch (error) {
    throw new Error(
      `--report ${file}: cannot write: ${(error as Error).message} — pass --report a writable path`,
      { cause: error },
    );
  }
  return `wrote ${file} (${format}; ${report.routes.length} routes, ${report.totals.compared} compared pairs)`;
}
