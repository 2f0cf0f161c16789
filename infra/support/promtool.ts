import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What a fresh machine runs to get promtool; the tests print it instead of skipping. */
export const PROMTOOL_INSTALL_HINT =
  'promtool not found on PATH. Install it with `bash infra/local/ensure-tools.sh` ' +
  '(runs `apt-get install -y --no-install-recommends prometheus`; Debian ships promtool in that package).';

/** Absolute path of promtool on PATH; throws with the install command when it is missing. */
export function findPromtool(path = process.env.PATH ?? ''): string {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'promtool');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory; keep looking.
    }
  }
  throw new Error(PROMTOOL_INSTALL_HINT);
}

export interface ToolRun {
  status: number | null;
  output: string;
}

/**
 * Runs promtool with args in cwd (and `input` on stdin, e.g. for `check metrics`); stdout and
 * stderr are joined, as a person would read them.
 */
export function runPromtool(
  promtool: string,
  args: string[],
  cwd: string,
  input?: string,
): ToolRun {
  const result = spawnSync(promtool, args, {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    ...(input === undefined ? {} : { input }),
  });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
