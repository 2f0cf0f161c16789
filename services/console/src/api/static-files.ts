import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The UI: plain HTML, one JS module and one stylesheet, no build step. */
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/assets/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/assets/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  '/assets/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};

export interface StaticFile {
  bytes: Buffer;
  type: string;
  etag: string;
}

/**
 * Loads the UI files once at start-up (a few tens of KB). `public/` sits beside `src/` and `dist/`,
 * so the same URL resolves from sources (tests) and from the build.
 */
export function loadStaticFiles(
  dir = new URL('../../public/', import.meta.url),
): Map<string, StaticFile> {
  const out = new Map<string, StaticFile>();
  for (const [path, { file, type }] of Object.entries(FILES)) {
    const bytes = readFileSync(new URL(file, dir));
    const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"`;
    out.set(path, { bytes, type, etag });
  }
  return out;
}
