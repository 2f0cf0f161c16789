import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Production sources: every `src/**.ts` of a package or service but tests and test kits. */
function productionSources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ts$/.test(entry.name) && !/\.(test|test-kit)\.ts$/.test(entry.name))
        out.push(path);
    }
  };
  for (const group of ['packages', 'services']) {
    for (const name of readdirSync(join(root, group))) {
      if (group === 'packages' && name === 'testkit') continue; // the test kit itself
      try {
        walk(join(root, group, name, 'src'));
      } catch {
        // no src/ (yet)
      }
    }
  }
  return out;
}

const TEST_ONLY =
  /(?:from|import)\s*\(?\s*['"](vitest(?:\/[^'"]*)?|@shadowdiff\/testkit(?:\/[^'"]*)?)['"]/;

describe('production sources', () => {
  it('import neither vitest nor @shadowdiff/testkit (test helpers are *.test-kit.ts)', () => {
    const sources = productionSources();
    expect(sources.length).toBeGreaterThan(50);
    const offenders = sources
      .filter((file) => TEST_ONLY.test(readFileSync(file, 'utf8')))
      .map((file) => file.slice(root.length));
    expect(offenders).toEqual([]);
  });
});
