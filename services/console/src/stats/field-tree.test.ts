import { describe, expect, it } from 'vitest';
import { buildFieldTree, pointerSegments } from './field-tree.js';
import type { FieldNode } from './field-tree.js';
import { routeStats } from './test-stats.js';

function find(nodes: FieldNode[], name: string): FieldNode | undefined {
  for (const n of nodes) {
    if (n.name === name) return n;
    const inner = find(n.children, name);
    if (inner) return inner;
  }
  return undefined;
}

describe('buildFieldTree', () => {
  it('nests body pointers, adds subtotals and keeps the worst severity', () => {
    const stats = routeStats('GET /o', {
      outcomes: { match: 80, diff: 20 },
      diffs: [
        { kind: 'body', path: '/items/*/price', severity: 'minor', count: 12 },
        { kind: 'body', path: '/items/*/sku', severity: 'major', count: 3 },
        { kind: 'body', path: '/total', severity: 'minor', count: 5 },
        { kind: 'header', path: 'content-type', severity: 'major', count: 1 },
        { kind: 'status', path: 'status', severity: 'critical', count: 2 },
      ],
      suppressed: [{ kind: 'body', path: '/requestId', reason: 'volatile', count: 100 }],
    });
    const tree = buildFieldTree(
      stats,
      new Map([['body /requestId', { state: 'learned', id: 'n1' }]]),
    );
    expect(tree.map((n) => n.name)).toEqual(['status', 'headers', 'body']);
    const body = tree[2]!;
    expect(body.subtotal).toBe(20);
    expect(body.worst).toBe('major');
    expect(body.children.map((c) => c.name)).toEqual(['items', 'total', 'requestId']);
    const items = find(tree, 'items')!;
    expect(items.path).toBeNull();
    expect(items.subtotal).toBe(15);
    const price = find(tree, 'price')!;
    expect(price.path).toBe('/items/*/price');
    expect(price.rate).toBeCloseTo(0.12, 12);
    const requestId = find(tree, 'requestId')!;
    expect(requestId.total).toBe(0);
    expect(requestId.suppressed).toBe(100);
    expect(requestId.suppressedBy).toEqual({ volatile: 100 });
    expect(requestId.noise).toEqual({ state: 'learned', id: 'n1' });
    expect(tree[0]!.path).toBe('status');
    expect(tree[0]!.total).toBe(2);
    expect(find(tree, 'content-type')!.path).toBe('content-type');
  });

  it('puts a whole-body diff on the body root and drops empty roots', () => {
    const tree = buildFieldTree(
      routeStats('GET /t', {
        outcomes: { diff: 1 },
        diffs: [{ kind: 'body', path: '', severity: 'minor', count: 1 }],
      }),
    );
    expect(tree).toHaveLength(1);
    expect(tree[0]).toMatchObject({ name: 'body', path: '', total: 1 });
  });

  it('unescapes pointer segments', () => {
    expect(pointerSegments('/a~1b/~0c/*')).toEqual(['a/b', '~c', '*']);
    expect(pointerSegments('')).toEqual([]);
  });
});
