import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_DOC, configKeys, renderConfigReference } from './config-reference.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('docs/config.md (generated from the config schema)', () => {
  it('is up to date — else run `npm run docs:config` and commit docs/config.md', async () => {
    const want = await renderConfigReference(root);
    const have = readFileSync(join(root, CONFIG_DOC), 'utf8');
    // A diff of lines names the stale keys; the equality then proves the whole file.
    expect(have.split('\n')).toEqual(want.split('\n'));
  });

  it('lists every key with its type and default, read from the schema', () => {
    const byKey = new Map(configKeys(root).map((k) => [k.key, k]));
    expect(byKey.get('tap.mode')).toMatchObject({
      type: '"sidecar" or "mirror"',
      default: '`"sidecar"`',
    });
    expect(byKey.get('worker.windowMs')).toMatchObject({ type: 'integer > 0', default: '`10000`' });
    expect(byKey.get('tap.mirror.percent')).toMatchObject({ type: 'number 0..100' });
    expect(byKey.get('tap.upstream')).toMatchObject({ type: 'URL', default: '(unset)' });
    expect(byKey.get('rules.routes[].route')).toMatchObject({
      type: 'string',
      default: '(required)',
    });
    expect(byKey.get('rules.routes[].tolerance.<name>.abs')?.type).toBe('number ≥ 0');
    expect(byKey.get('console.listen')?.type).toBe('host:port, :port or a port number');
    expect(byKey.get('tap.mirror')?.section).toBe(true);
  });

  it('has a description for every key (a TSDoc comment on the key in the schema)', () => {
    const undocumented = configKeys(root)
      .filter((k) => !k.section && k.description === '')
      .map((k) => k.key);
    expect(undocumented).toEqual([]);
  });

  it('takes the description from the TSDoc of the key in the schema source', () => {
    const byKey = new Map(configKeys(root).map((k) => [k.key, k]));
    expect(byKey.get('redis.keyPrefix')?.description).toBe(
      'Every key shadowdiff writes starts with this, so several deployments can share a Redis.',
    );
    // A section without its own comment takes its schema declaration's TSDoc.
    expect(byKey.get('noise')?.description).toMatch(/^Zero-config noise\./);
  });
});
