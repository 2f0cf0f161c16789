import { readPackageVersion } from '@shadowdiff/contracts';

/** This tap's version (its package's). */
export function tapVersion(): string {
  return readPackageVersion(new URL('../package.json', import.meta.url));
}
