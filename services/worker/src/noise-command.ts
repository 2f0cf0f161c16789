import { writeFileSync } from 'node:fs';
import { ShadowdiffError, UsageError } from '@shadowdiff/contracts';
import type { Command, CommandIo, OptionValues, ShadowdiffConfig } from '@shadowdiff/contracts';
import { NoiseCatalog, compileRules } from '@shadowdiff/engine';
import type {
  NoiseDecision,
  NoiseKey,
  NoiseListing,
  NoiseRef,
  NoiseStore,
} from '@shadowdiff/engine';
import { RedisNoiseStore } from '@shadowdiff/redis';
import { Redis } from 'ioredis';
import { redactUrl, redisConnection } from '@shadowdiff/connect';

/** A store for one command run, and how to let go of it. */
export interface OpenedNoiseStore {
  store: NoiseStore;
  close(): Promise<void>;
}

/** Opens the fleet's noise store: Redis at `redis.url` under `redis.keyPrefix`. */
export function openRedisNoiseStore(config: ShadowdiffConfig): OpenedNoiseStore {
  // A command, not a service: fail within seconds when Redis is away instead of retrying forever.
  const client = new Redis(config.redis.url, {
    ...redisConnection(config.redis),
    maxRetriesPerRequest: 1,
    connectTimeout: 3_000,
    retryStrategy: (attempt) => (attempt > 2 ? null : 200),
  });
  client.on('error', () => {}); // surfaced by the failing command instead
  return {
    store: new RedisNoiseStore({ client, keyPrefix: config.redis.keyPrefix }),
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

const SUBCOMMANDS = ['list', 'confirm', 'reject', 'clear', 'export'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

function str(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] as number)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function renderList(entries: readonly NoiseListing[]): string {
  if (entries.length === 0)
    return 'No noise learned or decided yet (use --all to see paths still being observed).\n';
  const rows = [
    ['ID', 'STATE', 'SERVICE', 'ROUTE', 'WHERE', 'VALUES', 'SAMPLES', 'CHANGED', 'DISTINCT', 'WHY'],
  ];
  for (const e of entries) {
    const where = `${e.kind === 'header' ? 'header ' : ''}${e.path === '' ? '(body)' : e.path}${e.aspect === 'order' ? ' (order)' : ''}`;
    rows.push([
      e.id,
      e.status,
      e.service,
      e.route,
      where,
      e.evidence.valueKind,
      String(e.evidence.samples),
      pct(e.evidence.changeRate),
      e.aspect === 'order' ? '-' : String(e.evidence.distinct),
      e.reason + (e.decision?.note !== undefined ? ` (note: ${e.decision.note})` : ''),
    ]);
  }
  return table(rows) + '\n';
}

/** The entry a confirm/reject/clear names: an id, or a route and a path. */
function refOf(positionals: string[], values: OptionValues): NoiseRef {
  const args = positionals.slice(1);
  const kind = values.header === true ? 'header' : undefined;
  const aspect = values.order === true ? 'order' : undefined;
  if (args.length === 1) return { id: args[0] as string };
  if (args.length === 2) {
    return {
      route: args[0] as string,
      path: args[1] as string,
      ...(kind !== undefined ? { kind } : {}),
      ...(aspect !== undefined ? { aspect } : {}),
    };
  }
  throw new UsageError(
    `noise ${positionals[0]} takes an entry id from 'shadowdiff noise list', or a route and a path, e.g. ` +
      `shadowdiff noise ${positionals[0]} 'GET /orders/{id}' /meta/requestId`,
  );
}

async function decide(
  catalog: NoiseCatalog,
  sub: 'confirm' | 'reject' | 'clear',
  service: string | undefined,
  fallbackService: string,
  positionals: string[],
  values: OptionValues,
  io: CommandIo,
): Promise<number> {
  const ref = refOf(positionals, values);
  const found = await catalog.find(ref, service);
  let key: NoiseKey;
  switch (found.kind) {
    case 'found':
      key = found.entry;
      break;
    case 'ambiguous':
      io.stderr.write(
        `shadowdiff noise ${sub}: ${found.entries.length} entries match; name one by id (or add --service, --header, --order):\n` +
          renderList(found.entries),
      );
      return 2;
    case 'missing':
      if ('id' in ref) {
        io.stderr.write(
          `shadowdiff noise ${sub}: no entry with id ${ref.id} (see shadowdiff noise list --all)\n`,
        );
        return 1;
      }
      // Deciding ahead of evidence is allowed: a path known to be noise can be confirmed up front.
      key = {
        service: service ?? fallbackService,
        route: ref.route,
        kind: ref.kind ?? 'body',
        aspect: ref.aspect ?? 'value',
        path: ref.path,
      };
      break;
    default: {
      const never: never = found;
      throw new Error(`unexpected lookup ${JSON.stringify(never)}`);
    }
  }
  const decision: NoiseDecision | undefined =
    sub === 'confirm' ? 'confirmed' : sub === 'reject' ? 'rejected' : undefined;
  const existed = await catalog.decide(key, decision, Date.now(), str(values, 'note'));
  const what = `${key.service} ${key.route} ${key.kind === 'header' ? 'header ' : ''}${key.path}${key.aspect === 'order' ? ' (order)' : ''}`;
  io.stdout.write(
    decision === undefined
      ? existed
        ? `cleared the decision on ${what}: the learner decides again\n`
        : `no decision on ${what} to clear\n`
      : `${decision} ${what}${decision === 'rejected' ? ': it will always be reported, never learned as noise' : ': suppressed as noise from the next refresh (about a second)'}\n`,
  );
  return 0;
}

async function runNoise(
  config: ShadowdiffConfig,
  values: OptionValues,
  positionals: string[],
  io: CommandIo,
  open: (config: ShadowdiffConfig) => OpenedNoiseStore,
): Promise<number> {
  const sub = (positionals[0] ?? 'list') as Subcommand;
  if (!SUBCOMMANDS.includes(sub)) {
    throw new UsageError(
      `unknown noise subcommand '${positionals[0]}'; use one of ${SUBCOMMANDS.join(', ')}`,
    );
  }
  const service = str(values, 'service');
  const opened = open(config);
  try {
    return await runSubcommand(sub, config, values, positionals, io, opened.store, service);
  } catch (error) {
    if (error instanceof ShadowdiffError && error.code === 'ERR_STORE') {
      throw new ShadowdiffError(
        'ERR_STORE',
        `cannot read the noise store at ${redactUrl(config.redis.url)} (prefix ${config.redis.keyPrefix}): ${error.message}`,
        { cause: error, retriable: error.retriable },
      );
    }
    throw error;
  } finally {
    await opened.close();
  }
}

async function runSubcommand(
  sub: Subcommand,
  config: ShadowdiffConfig,
  values: OptionValues,
  positionals: string[],
  io: CommandIo,
  store: NoiseStore,
  service: string | undefined,
): Promise<number> {
  const catalog = new NoiseCatalog({
    store,
    config: config.noise,
    rules: compileRules(config.rules),
  });
  switch (sub) {
    case 'list': {
      const route = str(values, 'route');
      const entries = (await catalog.list(service)).filter(
        (e) =>
          (values.all === true || e.status !== 'observing') &&
          (route === undefined || e.route === route),
      );
      io.stdout.write(
        values.json === true ? JSON.stringify(entries, null, 2) + '\n' : renderList(entries),
      );
      return 0;
    }
    case 'export': {
      const yaml = await catalog.export(service ?? config.service, new Date().toISOString());
      const out = str(values, 'out');
      if (out === undefined) io.stdout.write(yaml);
      else {
        writeFileSync(out, yaml);
        io.stderr.write(`shadowdiff noise export: wrote ${out}\n`);
      }
      return 0;
    }
    case 'confirm':
    case 'reject':
    case 'clear':
      return await decide(catalog, sub, service, config.service, positionals, values, io);
    default: {
      const never: never = sub;
      throw new Error(`unexpected subcommand ${String(never)}`);
    }
  }
}

/** `shadowdiff noise`, on a given store opener (tests pass a memory store). */
export function createNoiseCommand(
  open: (config: ShadowdiffConfig) => OpenedNoiseStore = openRedisNoiseStore,
): Command {
  return {
    name: 'noise',
    summary:
      'List, confirm, reject or export the noise the workers learned (list|confirm|reject|clear|export)',
    usage: [
      '<list|confirm|reject|clear|export> [entry] [options]',
      '',
      'Examples:',
      '  shadowdiff noise list                      learned, confirmed and rejected entries with evidence',
      '  shadowdiff noise list --all --json         also paths still being observed, as JSON',
      '  shadowdiff noise confirm 3fa2c1d0e9        keep suppressing it, whatever the evidence',
      "  shadowdiff noise reject 'GET /orders/{id}' /total   always report it; never learned again",
      '  shadowdiff noise clear 3fa2c1d0e9          drop the decision: the learner decides again',
      '  shadowdiff noise export --out noise.yaml   rules.routes[] (ignore / arrays) to review in git',
      '',
      "Reads the fleet's Redis (redis.url, redis.keyPrefix). Entries are per service x route x path;",
      'an id prefix works when unambiguous. Structural changes and status codes are never noise.',
    ].join('\n'),
    options: {
      service: {
        type: 'string',
        description: 'only this service (default: every service; export: config service)',
      },
      route: { type: 'string', description: "list: only this route, e.g. 'GET /orders/{id}'" },
      all: {
        type: 'boolean',
        description: 'list: include paths still being observed (default off)',
      },
      json: {
        type: 'boolean',
        description: 'list: JSON with the full evidence (default: a table)',
      },
      header: {
        type: 'boolean',
        description: 'confirm/reject/clear by route + path: a header (default body)',
      },
      order: {
        type: 'boolean',
        description: 'confirm/reject/clear by route + path: the array order (default value)',
      },
      note: {
        type: 'string',
        description: 'confirm/reject: why, kept with the decision and exported',
      },
      out: { type: 'string', description: 'export: write to this file (default stdout)' },
    },
    run: (config, values, positionals, io) => runNoise(config, values, positionals, io, open),
  };
}

/** `shadowdiff noise` on the fleet's Redis. */
export const noiseCommand: Command = createNoiseCommand();
