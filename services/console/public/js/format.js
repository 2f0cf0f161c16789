// Number, time and value formatting shared by every view.

const nf = new Intl.NumberFormat('en-US');

export const fmtNum = (x) => (x === null || x === undefined ? '—' : nf.format(x));

export function fmtPct(x, digits = 2) {
  if (x === null || x === undefined) return '—';
  if (x > 0 && x * 100 < 10 ** -digits) return `<${(10 ** -digits).toFixed(digits)}%`;
  return `${(x * 100).toFixed(digits)}%`;
}

export function fmtMs(x) {
  if (x === null || x === undefined) return '—';
  if (x < 10) return `${x.toFixed(1)} ms`;
  if (x < 10_000) return `${Math.round(x)} ms`;
  return `${(x / 1000).toFixed(1)} s`;
}

export function fmtTime(at) {
  const d = new Date(at);
  const today = new Date().toDateString() === d.toDateString();
  return today
    ? d.toLocaleTimeString([], { hour12: false })
    : d.toLocaleString([], {
        hour12: false,
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      });
}

export function fmtAgo(at, now = Date.now()) {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

/** A field for people: header name, `status`, a JSON pointer, `(body)` for the whole body. */
export function fieldLabel(kind, path) {
  if (kind === 'body') return path === '' ? '(body)' : path;
  return kind === 'status' ? 'status' : path;
}

/**
 * Whether a string is the engine's preview of an object or array (JSON text, cut with `…` when
 * long): shown as it is, not quoted again (`["sale"]`, not `"[\"sale\"]"`).
 */
export function isStructurePreview(s) {
  const first = s.trimStart().charAt(0);
  if (first !== '[' && first !== '{') return false;
  if (s.endsWith('…')) return true;
  try {
    const parsed = JSON.parse(s);
    return typeof parsed === 'object' && parsed !== null;
  } catch {
    return false;
  }
}

export function shortValue(v, max = 120) {
  if (v === undefined) return '(absent)';
  const text =
    typeof v === 'string'
      ? isStructurePreview(v)
        ? v
        : JSON.stringify(v)
      : (JSON.stringify(v) ?? String(v));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
