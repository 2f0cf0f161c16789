import { parser } from '@prometheus-io/lezer-promql';

export interface Selector {
  /** The metric name (or recording rule name) of a vector selector. */
  metric: string;
  /** Label matchers as written, e.g. `{ env: '="shadow"' }`. */
  matchers: Record<string, string>;
}

export interface PromqlAnalysis {
  selectors: Selector[];
  /** Syntax errors, as the text around them; empty for a valid expression. */
  errors: string[];
}

/**
 * Grafana expands `$__rate_interval`, `$service` etc. before Prometheus sees a query; replace
 * them with what they stand for so the expression parses: durations by a duration, variables in
 * label values by a regex that matches anything.
 */
export function expandGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|range)\b/g, '5m')
    .replace(/\$\{[a-zA-Z_][a-zA-Z0-9_:]*\}|\$[a-zA-Z_][a-zA-Z0-9_]*/g, '.*');
}

/**
 * Parses PromQL with Prometheus' own grammar (@prometheus-io/lezer-promql, the one its web UI
 * uses) and lists every vector selector: metric names and their label matchers. Function names,
 * aggregation labels (`by (le)`) and label names are not metric names and are not listed.
 */
export function analysePromql(expr: string): PromqlAnalysis {
  const tree = parser.parse(expr);
  const selectors: Selector[] = [];
  const errors: string[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        errors.push(
          `syntax error at ${node.from}: "${expr.slice(Math.max(0, node.from - 15), node.to + 15)}"`,
        );
      }
      if (node.name !== 'VectorSelector') return;
      const n = node.node;
      const id = n.getChild('Identifier');
      const matchers: Record<string, string> = {};
      const list = n.getChild('LabelMatchers');
      if (list) {
        for (let m = list.firstChild; m; m = m.nextSibling) {
          const label = m.getChild('LabelName');
          const op = m.getChild('MatchOp');
          const value = m.getChild('StringLiteral');
          if (label && op && value) {
            matchers[expr.slice(label.from, label.to)] =
              `${expr.slice(op.from, op.to)}${expr.slice(value.from, value.to)}`;
          }
        }
      }
      if (id) selectors.push({ metric: expr.slice(id.from, id.to), matchers });
    },
  });
  return { selectors, errors };
}
