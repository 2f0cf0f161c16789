import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPromtool, PROMTOOL_INSTALL_HINT } from './promtool.js';

describe('findPromtool', () => {
  it('fails with the install command when promtool is not on PATH', () => {
    const empty = mkdtempSync(join(tmpdir(), 'sd-path-'));
    try {
      expect(() => findPromtool(empty)).toThrowError(PROMTOOL_INSTALL_HINT);
      expect(PROMTOOL_INSTALL_HINT).toContain('infra/local/ensure-tools.sh');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('finds an executable promtool in a PATH directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-path-'));
    try {
      writeFileSync(join(dir, 'promtool'), '#!/bin/sh\n', { mode: 0o755 });
      expect(findPromtool(`/nonexistent:${dir}`)).toBe(join(dir, 'promtool'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
