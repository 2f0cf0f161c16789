export interface DashboardQuery {
  /** Where it sits, e.g. `panel 7 "Diff rate by route" A` or `variable route`. */
  where: string;
  expr: string;
}

interface Panel {
  id?: number;
  title?: string;
  type?: string;
  targets?: { refId?: string; expr?: string }[];
  panels?: Panel[];
}

interface Dashboard {
  panels?: Panel[];
  templating?: { list?: { name: string; type: string; query?: unknown; definition?: string }[] };
  annotations?: { list?: { name?: string; expr?: string }[] };
}

/** `label_values(shadow_pairs_total{env="shadow"}, service)` -> `shadow_pairs_total{env="shadow"}` */
function labelValuesSelector(query: string): string | undefined {
  const match = /^\s*label_values\(\s*(.+),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$/s.exec(query);
  return match?.[1];
}

/** Every PromQL expression in a Grafana dashboard: panel targets, query variables, annotations. */
export function dashboardQueries(dashboard: Dashboard): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  const walk = (panels: Panel[] | undefined): void => {
    for (const panel of panels ?? []) {
      for (const target of panel.targets ?? []) {
        if (typeof target.expr === 'string') {
          out.push({
            where: `panel ${panel.id} "${panel.title}" ${target.refId}`,
            expr: target.expr,
          });
        }
      }
      walk(panel.panels);
    }
  };
  walk(dashboard.panels);
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const raw =
      typeof variable.query === 'string'
        ? variable.query
        : (variable.query as { query?: string } | undefined)?.query;
    const selector = raw === undefined ? undefined : labelValuesSelector(raw);
    out.push({ where: `variable ${variable.name}`, expr: selector ?? raw ?? '' });
  }
  for (const annotation of dashboard.annotations?.list ?? []) {
    if (typeof annotation.expr === 'string') {
      out.push({ where: `annotation ${annotation.name}`, expr: annotation.expr });
    }
  }
  return out;
}
