import { readFileSync } from 'node:fs';

const cache = new Map<string, string>();

/**
 * The `version` of the package.json at `packageJson`, read once per file; `unknown` when it cannot
 * be read. Services pass `new URL('../package.json', import.meta.url)` (it sits beside src/ and dist/).
 */
export function readPackageVersion(packageJson: URL): string {
  let version = cache.get(packageJson.href);
  if (version === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown };
      version = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      version = 'unknown';
    }
    cache.set(packageJson.href, version);
  }
  return version;
}
