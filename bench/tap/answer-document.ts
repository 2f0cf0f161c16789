/** The benchmarks' answer: one 1 KB JSON document (bench:tap's upstream, bench:capture's service). */
export function answerDocument(): Buffer {
  const items = Array.from({ length: 12 }, (_, i) => ({
    sku: `SKU-${1000 + i}`,
    qty: i + 1,
    price: 9.99 + i,
  }));
  let doc = JSON.stringify({ id: 42, status: 'shipped', customer: 'c-7', items, note: '' });
  doc = JSON.stringify({
    id: 42,
    status: 'shipped',
    customer: 'c-7',
    items,
    note: 'x'.repeat(1024 - doc.length),
  });
  return Buffer.from(doc);
}
