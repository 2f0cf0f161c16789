import { UsageError } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatPercent,
  parseCount,
  parseDuration,
  parseRate,
  parseRatio,
  parseTime,
} from './parse-flags.js';

describe('flag parsing', () => {
  it('reads durations with units, alone or combined', () => {
    expect(parseDuration('window', '15m')).toBe(900_000);
    expect(parseDuration('window', '90s')).toBe(90_000);
    expect(parseDuration('window', '1h30m')).toBe(5_400_000);
    expect(parseDuration('window', '2d')).toBe(172_800_000);
    expect(parseDuration('window', '500ms')).toBe(500);
    expect(parseDuration('window', '1.5h')).toBe(5_400_000);
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(900_000)).toBe('15m');
  });

  it('refuses durations without a unit, naming the flag and the expected form', () => {
    for (const bad of ['15', '', 'abc', '15 minutes', '0m', '-5m', '5m3']) {
      expect(() => parseDuration('window', bad)).toThrow(UsageError);
    }
    expect(() => parseDuration('window', '15')).toThrow(
      "--window expects a duration such as 15m, 1h, 90s or 1h30m (units ms s m h d w), got '15'",
    );
  });

  it('reads rates as percentages or fractions', () => {
    expect(parseRate('max-diff-rate', '0.5%')).toBeCloseTo(0.005, 12);
    expect(parseRate('max-diff-rate', '0.005')).toBeCloseTo(0.005, 12);
    expect(parseRate('max-diff-rate', '100%')).toBe(1);
    expect(() => parseRate('max-diff-rate', '1')).toThrow(/write 1% for 1 percent/);
    expect(parseRate('max-diff-rate', '100%')).toBe(1);
    expect(parseRate('max-diff-rate', '0%')).toBe(0);
    expect(parseRate('max-diff-rate', '.5%')).toBeCloseTo(0.005, 12);
  });

  it('refuses rates that are not numbers or fall outside 0..100%', () => {
    expect(() => parseRate('max-diff-rate', 'abc')).toThrow(
      "--max-diff-rate expects a percentage such as 0.5% or a fraction such as 0.005 (between 0 and 100%), got 'abc'",
    );
    for (const bad of ['150%', '2', '-1%', '%', '', '1e-3', '0.5%%']) {
      expect(() => parseRate('max-diff-rate', bad)).toThrow(/--max-diff-rate expects/);
    }
  });

  it('reads ratios and counts, refusing the rest with the flag named', () => {
    expect(parseRatio('max-p99-ratio', '1.2')).toBe(1.2);
    expect(() => parseRatio('max-p99-ratio', '0')).toThrow(
      /--max-p99-ratio expects a positive number/,
    );
    expect(() => parseRatio('max-p99-ratio', 'x1.2')).toThrow(UsageError);
    expect(parseCount('min-pairs', '500')).toBe(500);
    expect(() => parseCount('min-pairs', '0')).toThrow(
      "--min-pairs expects a whole number >= 1, got '0'",
    );
    expect(() => parseCount('min-pairs', '12.5')).toThrow(UsageError);
    expect(() => parseCount('min-pairs', 'many')).toThrow(UsageError);
  });

  it('reads times: now, ISO, epoch ms, and durations ago', () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect(parseTime('from', 'now', now)).toBe(now);
    expect(parseTime('from', '2026-11-25T10:00:00Z', now)).toBe(Date.parse('2026-11-25T10:00:00Z'));
    expect(parseTime('from', '2026-11-25', now)).toBe(Date.parse('2026-11-25T00:00:00Z'));
    expect(parseTime('from', String(now - 5), now)).toBe(now - 5);
    expect(parseTime('from', '2h', now)).toBe(now - 7_200_000);
    expect(parseTime('from', '-30m', now)).toBe(now - 1_800_000);
    expect(parseTime('from', '1d ago', now)).toBe(now - 86_400_000);
    expect(() => parseTime('from', 'yesterday', now)).toThrow(/--from expects a time/);
    expect(() => parseTime('to', '2026-13-45', now)).toThrow(/--to expects a time/);
  });

  it('formats percentages', () => {
    expect(formatPercent(0.25)).toBe('25.00%');
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(0.00512, 1)).toBe('0.5%');
  });
});
