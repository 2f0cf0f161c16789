import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** This tap's version (its package's), read once; `package.json` sits beside src/ and dist/. */
export function tapVersion(): string {
  if (cached === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
        version?: string;
      };
      cached = pkg.version ?? 'unknown';
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
