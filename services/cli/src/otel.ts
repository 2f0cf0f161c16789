import { metrics } from '@opentelemetry/api';
import type { Meter } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { TelemetryConfig } from '@shadowdiff/contracts';

export interface Telemetry {
  meter(scope: string): Meter;
  shutdown(): Promise<void>;
  /** `http://host:port/metrics` when the Prometheus endpoint is on. */
  prometheusUrl?: string;
}

/**
 * Starts the OTel Node SDK with a metrics-only pipeline: a Prometheus scrape endpoint and/or an
 * OTLP/HTTP exporter, resource `deployment.environment.name=shadow` so every series is tagged as
 * shadow traffic even before point attributes are read.
 */
export function startTelemetry(
  config: TelemetryConfig,
  serviceName: string,
  log: (line: string) => void,
): Telemetry {
  const readers: IMetricReader[] = [];
  let prometheusUrl: string | undefined;
  if (config.prometheus.enabled) {
    const exporter = new PrometheusExporter(
      { host: config.prometheus.host, port: config.prometheus.port },
      (error) => {
        if (error)
          log(
            `prometheus endpoint failed to start on ${config.prometheus.host}:${config.prometheus.port}: ${String(error)}`,
          );
      },
    );
    readers.push(exporter);
    prometheusUrl = `http://${config.prometheus.host}:${config.prometheus.port}/metrics`;
  }
  if (config.otlp.enabled) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: config.otlp.endpoint }),
        exportIntervalMillis: config.otlp.intervalMs,
      }),
    );
  }
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      'service.name': serviceName,
      'deployment.environment.name': 'shadow',
    }),
    metricReaders: readers,
    traceExporter: undefined,
    instrumentations: [],
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  return {
    meter: (scope) => metrics.getMeter(scope),
    shutdown: () => (stopped ??= sdk.shutdown()),
    ...(prometheusUrl ? { prometheusUrl } : {}),
  };
}
