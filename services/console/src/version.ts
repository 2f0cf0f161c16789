import { readPackageVersion } from '@shadowdiff/contracts';

/** The shadowdiff version (this package's). */
export function consoleVersion(): string {
  return readPackageVersion(new URL('../package.json', import.meta.url));
}
