/** `host:port`, `[v6]:port`, `:port` or a port, as `listenSchema` accepts; host undefined = any. */
export function parseListen(listen: string | number): { host: string | undefined; port: number } {
  const text = String(listen);
  const at = text.lastIndexOf(':');
  const host = at < 0 ? '' : text.slice(0, at).replace(/^\[|\]$/g, '');
  return { host: host === '' ? undefined : host, port: Number(text.slice(at + 1)) };
}
