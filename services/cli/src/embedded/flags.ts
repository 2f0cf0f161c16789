import type { CommandOption, OptionValues } from '@shadowdiff/contracts';

/** Flags every one-process verb (`demo`, `run`) takes for its report, console and metrics. */
export const EMBEDDED_OPTIONS = {
  report: {
    type: 'string',
    description:
      'on exit, write the evidence package to FILE (.md; .html or .json by the extension)',
  },
  'console-listen': {
    type: 'string',
    description: 'host:port of the console (default console.listen, 127.0.0.1:8088)',
  },
  'metrics-port': {
    type: 'string',
    description:
      'port of the Prometheus /metrics endpoint (default telemetry.prometheus.port, 9464)',
  },
} as const satisfies Record<string, CommandOption>;

/** `--console-listen` and `--metrics-port` as config overrides (the schema checks the values). */
export function embeddedOverrides(values: OptionValues): Record<string, unknown> {
  const listen = values['console-listen'];
  const port = values['metrics-port'];
  return {
    ...(typeof listen === 'string' ? { console: { listen } } : {}),
    ...(typeof port === 'string'
      ? {
          telemetry: {
            prometheus: { enabled: true, port: port.trim() === '' ? NaN : Number(port) },
          },
        }
      : {}),
  };
}
