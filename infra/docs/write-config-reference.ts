/** `npm run docs:config`: regenerates docs/config.md from the config schema (run from the root). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DOC, configKeys, renderConfigReference } from './config-reference.js';

const root = process.cwd();
writeFileSync(join(root, CONFIG_DOC), await renderConfigReference(root));
const keys = configKeys(root);
const undocumented = keys.filter((k) => !k.section && k.description === '').map((k) => k.key);
process.stdout.write(`wrote ${CONFIG_DOC}: ${keys.length} keys\n`);
if (undocumented.length > 0)
  process.stdout.write(
    `keys without a TSDoc line (add one in the schema): ${undocumented.join(', ')}\n`,
  );
