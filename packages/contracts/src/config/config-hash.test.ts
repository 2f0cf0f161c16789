import { describe, expect, it } from 'vitest';
import { configHash } from './config-hash.js';
import { validateConfig } from './config.js';

describe('configHash', () => {
  it('is the same for configs that mean the same, and differs when a value changes', () => {
    const a = validateConfig({ service: 's', tap: { mirror: { percent: 10, methods: ['GET'] } } });
    const b = validateConfig({ tap: { mirror: { methods: ['get'], percent: 10 } }, service: 's' });
    expect(configHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(configHash(a)).toBe(configHash(b));
    expect(configHash(validateConfig({ service: 's', tap: { mirror: { percent: 11 } } }))).not.toBe(
      configHash(a),
    );
  });
});
