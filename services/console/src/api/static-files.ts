import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface StaticFile {
  bytes: Buffer;
  type: string;
  etag: string;
}

/**
 * The UI: plain HTML, ES modules and CSS, no build step. Loaded once at start-up (a few tens of
 * KB) into a fixed map, so no request path ever reaches the file system. `public/` sits beside
 * `src/` and `dist/`, so the same URL resolves from sources (tests) and from the build. `index.html`
 * is served at `/`, everything else at `/assets/<path>`.
 */
export function loadStaticFiles(
  dir = new URL('../../public/', import.meta.url),
): Map<string, StaticFile> {
  const root = fileURLToPath(dir);
  const out = new Map<string, StaticFile>();
  const visit = (rel: string): void => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        visit(path);
        continue;
      }
      const type = TYPES[extname(entry.name)];
      if (!entry.isFile() || type === undefined) continue;
      const bytes = readFileSync(join(root, path));
      const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"`;
      out.set(path === 'index.html' ? '/' : `/assets/${path}`, { bytes, type, etag });
    }
  };
  visit('');
  return out;
}
