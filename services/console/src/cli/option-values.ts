import { UsageError } from '@shadowdiff/contracts';
import type { OptionValues } from '@shadowdiff/contracts';

export function str(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function requiredStr(values: OptionValues, name: string, example: string): string {
  const v = str(values, name);
  if (v === undefined || v === '')
    throw new UsageError(`--${name} is required, e.g. --${name} ${example}`);
  return v;
}

export function flag(values: OptionValues, name: string): boolean {
  return values[name] === true;
}
