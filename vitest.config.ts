import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// Tests import workspace packages from source, so `vitest` never runs against a stale dist/.
const alias: Record<string, string> = {};
for (const group of ['packages', 'services']) {
  for (const name of readdirSync(`${root}${group}`)) {
    const entry = `${root}${group}/${name}/src/index.ts`;
    if (existsSync(entry)) alias[`@shadowdiff/${name}`] = entry;
  }
}

const integration = ['**/*.int.test.ts', 'test/**/*.test.ts'];
const sources = [
  'packages/*/src/**/*.test.ts',
  'services/*/src/**/*.test.ts',
  'test/**/*.test.ts',
  'infra/**/*.test.ts',
];

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: process.env.CI ? ['default'] : ['default'],
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: sources,
          exclude: [...integration, '**/node_modules/**', '**/dist/**'],
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: integration,
          exclude: ['**/node_modules/**', '**/dist/**'],
          // Kafka and Redis are resolved (or started) once per run, then shared by every file.
          globalSetup: ['./test/setup/infra.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
          poolOptions: { forks: { maxForks: 2, minForks: 1 } },
        },
      },
    ],
  },
});
