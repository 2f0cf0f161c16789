export { startConsole } from './api/server.js';
export type { StartConsoleOptions, ConsoleHandle } from './api/server.js';
export { ConsoleData } from './api/console-data.js';
export type { TimeRange, Overview, RouteDetail, ExampleSummary } from './api/console-data.js';
export { exampleView } from './api/example-view.js';
export type { ExampleView, SideView, BodyView } from './api/example-view.js';
export type {
  ConsoleNoise,
  NoiseEntryView,
  NoiseEvidence,
  NoiseState,
  NoiseDecisionInput,
  NoiseDecideResult,
} from './noise/console-noise.js';
export { catalogNoise, noiseEntryView } from './noise/catalog-noise.js';
export { summarizeRoute, sumStats } from './stats/route-row.js';
export type { RouteRow, LatencyView } from './stats/route-row.js';
export { wilsonInterval, Z_95 } from './stats/wilson.js';
export type { Interval } from './stats/wilson.js';
export { interpolatedQuantile, mergeHistograms } from './stats/quantile.js';
export { buildFieldTree } from './stats/field-tree.js';
export type { FieldNode } from './stats/field-tree.js';
export { decideGate, GATE_EXIT } from './gate/gate-decision.js';
export type { GateThresholds, GateVerdict, GateDecision, GateCheck } from './gate/gate-decision.js';
export { runGate } from './gate/run-gate.js';
export type { GateRequest } from './gate/run-gate.js';
export { formatGate } from './gate/gate-format.js';
export type { GateReport, GateScope } from './gate/gate-format.js';
export { gateCommand, gateRequest } from './gate/gate-command.js';
export { buildEvidence, REPORT_SCHEMA } from './report/evidence.js';
export type { EvidenceReport } from './report/evidence.js';
export { renderMarkdown } from './report/render-markdown.js';
export { renderHtml } from './report/render-html.js';
export { reportCommand, renderReport, REPORT_FORMATS } from './report/report-command.js';
export type { ReportFormat } from './report/report-command.js';
export { consoleCommand } from './cli/console-command.js';
export { createFleetStores } from './cli/fleet-stores.js';
export type { FleetStores } from './cli/fleet-stores.js';
export { parseDuration, parseRate, parseRatio, parseCount, parseTime } from './cli/parse-flags.js';
