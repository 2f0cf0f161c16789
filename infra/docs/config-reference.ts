/**
 * docs/config.md, generated from the zod config schema (packages/contracts/src/config): every key
 * with its type and default, read from the schema at run time, and its description, read from the
 * TSDoc comment on the key in the schema's source (or a `.describe()` text, which wins). Run
 * `npm run docs:config` after changing the schema; config-reference.test.ts fails while the file
 * is stale.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '@shadowdiff/contracts';
import * as prettier from 'prettier';
import ts from 'typescript';
import { z } from 'zod';

/** The schema sources, relative to the repository root. */
export const SCHEMA_DIR = 'packages/contracts/src/config';
export const CONFIG_DOC = 'docs/config.md';

export interface ConfigKey {
  /** Dotted path; `[]` for a list element, `<name>` for a map's key. */
  key: string;
  type: string;
  default: string;
  description: string;
  /** Whether the value is a section (an object whose keys are listed after it). */
  section: boolean;
}

interface ObjectDocs {
  /** TSDoc of each property, by name. */
  keys: Map<string, string>;
  /** TSDoc on the `const x = z.object(...)` declaration, if any. */
  doc?: string;
}

function tsdocOf(node: ts.Node): string | undefined {
  const text = ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((d) => ts.getTextOfJSDocComment(d.comment) ?? '')
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? undefined : text;
}

function isZObjectCall(node: ts.Node): node is ts.CallExpression {
  return (
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    node.expression.name.text === 'object' &&
    ts.isIdentifier(node.expression.expression) &&
    node.expression.expression.text === 'z'
  );
}

/** The TSDoc of the variable a `z.object(...)…` chain initialises, if any. */
function declarationDoc(call: ts.Node): string | undefined {
  let at: ts.Node = call;
  while (
    ts.isCallExpression(at.parent) ||
    (ts.isPropertyAccessExpression(at.parent) && at.parent.expression === at)
  )
    at = at.parent;
  const decl = at.parent;
  if (!ts.isVariableDeclaration(decl) || decl.initializer !== at) return undefined;
  const statement = decl.parent.parent;
  return ts.isVariableStatement(statement) ? tsdocOf(statement) : undefined;
}

const signature = (keys: Iterable<string>) => [...keys].sort().join(',');

/**
 * The TSDoc of every `z.object({...})` literal in the schema sources, by the sorted list of its
 * keys: a run-time object schema finds its source literal by having the same keys.
 */
export function readSchemaDocs(root: string): Map<string, ObjectDocs> {
  const out = new Map<string, ObjectDocs>();
  const dir = join(root, SCHEMA_DIR);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  for (const file of files.sort()) {
    const source = ts.createSourceFile(
      file,
      readFileSync(join(dir, file), 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    const visit = (node: ts.Node): void => {
      const literal = isZObjectCall(node) ? node.arguments[0] : undefined;
      if (literal !== undefined && ts.isObjectLiteralExpression(literal)) {
        const keys = new Map<string, string>();
        for (const p of literal.properties) {
          if (!ts.isPropertyAssignment(p) && !ts.isShorthandPropertyAssignment(p)) continue;
          const name = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) ? p.name.text : '';
          keys.set(name, tsdocOf(p) ?? '');
        }
        const doc = declarationDoc(node);
        const sig = signature(keys.keys());
        if (!out.has(sig)) out.set(sig, { keys, ...(doc !== undefined ? { doc } : {}) });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

/** A value as YAML would show it, compactly. */
function show(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return `\`${JSON.stringify(value)}\``;
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 0)
    return Array.isArray(value) ? '`[]`' : '`{}`';
  return `\`${JSON.stringify(value)}\``;
}

type Unwrapped = { schema: z.ZodTypeAny; default?: unknown; optional: boolean };

function unwrap(schema: z.ZodTypeAny): Unwrapped {
  let optional = false;
  let dflt: unknown;
  let hasDefault = false;
  for (;;) {
    if (schema instanceof z.ZodDefault) {
      if (!hasDefault) dflt = (schema._def as { defaultValue: () => unknown }).defaultValue();
      hasDefault = true;
      schema = schema._def.innerType as z.ZodTypeAny;
    } else if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) {
      optional = true;
      schema = schema._def.innerType as z.ZodTypeAny;
    } else if (schema instanceof z.ZodEffects) {
      schema = schema._def.schema as z.ZodTypeAny;
    } else break;
  }
  return { schema, optional, ...(hasDefault ? { default: dflt } : {}) };
}

function numberType(schema: z.ZodNumber): string {
  let int = false;
  let min: { value: number; inclusive: boolean } | undefined;
  let max: { value: number; inclusive: boolean } | undefined;
  for (const check of schema._def.checks) {
    if (check.kind === 'int') int = true;
    if (check.kind === 'min') min = check;
    if (check.kind === 'max') max = check;
  }
  const name = int ? 'integer' : 'number';
  if (min?.inclusive && max?.inclusive) return `${name} ${min.value}..${max.value}`;
  const bounds = [
    min && `${min.inclusive ? '≥' : '>'} ${min.value}`,
    max && `${max.inclusive ? '≤' : '<'} ${max.value}`,
  ];
  return [name, ...bounds].filter((p) => p !== undefined).join(' ');
}

/** A string's pattern in words, from its regex check's message (`expected host:port, ...`). */
function patternOf(schema: z.ZodTypeAny): string | undefined {
  const inner = unwrap(schema).schema;
  if (!(inner instanceof z.ZodString)) return undefined;
  for (const check of inner._def.checks) {
    if (check.kind === 'regex' && check.message?.startsWith('expected '))
      return check.message.slice('expected '.length);
  }
  return undefined;
}

/** The type of a (unwrapped) schema in words: `integer ≥ 0`, `list of string`, `"a" or "b"`. */
export function typeOf(input: z.ZodTypeAny): string {
  const { schema } = unwrap(input);
  if (schema instanceof z.ZodString) {
    if (schema._def.checks.some((c) => c.kind === 'url')) return 'URL';
    const pattern = patternOf(schema);
    return pattern !== undefined ? `string: ${pattern}` : 'string';
  }
  if (schema instanceof z.ZodNumber) return numberType(schema);
  if (schema instanceof z.ZodBoolean) return 'boolean';
  if (schema instanceof z.ZodLiteral) return JSON.stringify(schema._def.value);
  if (schema instanceof z.ZodEnum)
    return (schema._def.values as string[]).map((v) => JSON.stringify(v)).join(' or ');
  if (schema instanceof z.ZodArray) return `list of ${typeOf(schema.element as z.ZodTypeAny)}`;
  if (schema instanceof z.ZodRecord)
    return `map of ${typeOf(schema._def.keyType as z.ZodTypeAny)} to ${typeOf(schema._def.valueType as z.ZodTypeAny)}`;
  if (schema instanceof z.ZodUnion) {
    // A union with a described pattern (listen addresses: a port or `host:port`) reads as that.
    const options = schema._def.options as z.ZodTypeAny[];
    const pattern = options.map(patternOf).find((p) => p !== undefined);
    return pattern ?? options.map(typeOf).join(' or ');
  }
  if (schema instanceof z.ZodObject) return 'section';
  return schema._def.typeName ?? 'unknown';
}

/** Every key of the config, depth first in schema order, with type, default and description. */
export function configKeys(root: string): ConfigKey[] {
  const docs = readSchemaDocs(root);
  const rows: ConfigKey[] = [];
  const walkObject = (schema: z.ZodObject<z.ZodRawShape>, prefix: string) => {
    const shape = schema.shape;
    const source = docs.get(signature(Object.keys(shape)));
    for (const [name, child] of Object.entries(shape)) {
      walk(child, `${prefix}${name}`, source?.keys.get(name) ?? '');
    }
  };
  const walk = (input: z.ZodTypeAny, key: string, tsdoc: string) => {
    const u = unwrap(input);
    const inner = u.schema;
    const isObject = inner instanceof z.ZodObject;
    const sectionDoc = isObject
      ? docs.get(signature(Object.keys((inner as z.ZodObject<z.ZodRawShape>).shape)))?.doc
      : undefined;
    const description = input.description ?? inner.description ?? (tsdoc || sectionDoc || '');
    rows.push({
      key,
      type: typeOf(inner),
      default: isObject
        ? ''
        : 'default' in u
          ? show(u.default)
          : u.optional
            ? '(unset)'
            : '(required)',
      description,
      section: isObject,
    });
    if (isObject) walkObject(inner as z.ZodObject<z.ZodRawShape>, `${key}.`);
    const element =
      inner instanceof z.ZodArray
        ? { schema: inner.element as z.ZodTypeAny, key: `${key}[]` }
        : inner instanceof z.ZodRecord
          ? { schema: inner._def.valueType as z.ZodTypeAny, key: `${key}.<name>` }
          : undefined;
    if (element === undefined) return;
    // Objects inside a list or a map (also as one option of a union) have keys of their own.
    const el = unwrap(element.schema).schema;
    const options = el instanceof z.ZodUnion ? (el._def.options as z.ZodTypeAny[]) : [el];
    for (const option of options) {
      const o = unwrap(option).schema;
      if (o instanceof z.ZodObject) walkObject(o as z.ZodObject<z.ZodRawShape>, `${element.key}.`);
    }
  };
  walkObject(configSchema as unknown as z.ZodObject<z.ZodRawShape>, '');
  return rows;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/config.md's text, formatted as `npm run format` would leave it. */
export async function renderConfigReference(root: string): Promise<string> {
  const file = join(root, CONFIG_DOC);
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(rawReference(root), { ...options, filepath: file });
}

function rawReference(root: string): string {
  const keys = configKeys(root);
  const out = [
    '# Configuration reference',
    '',
    '<!-- Generated by `npm run docs:config` from the zod schemas in packages/contracts/src/config',
    '     (types and defaults from the schema, descriptions from its TSDoc). Do not edit by hand. -->',
    '',
    'One YAML file (`shadowdiff.yaml`, or `--config FILE`) shared by every service. Unknown keys are',
    'errors. `$KAFKA_BROKERS` sets `kafka.brokers` and `$REDIS_URL` sets `redis.url`; command-line',
    'flags win over both. `[]` in a key is any element of a list, `<name>` any key of a map.',
    '',
  ];
  const top = keys.filter((k) => !k.key.includes('.'));
  const scalars = top.filter((k) => !k.section);
  if (scalars.length > 0) {
    out.push(
      '## Top level',
      '',
      '| key | type | default | description |',
      '| --- | --- | --- | --- |',
    );
    for (const k of scalars)
      out.push(`| \`${k.key}\` | ${cell(k.type)} | ${cell(k.default)} | ${cell(k.description)} |`);
    out.push('');
  }
  for (const section of top.filter((k) => k.section)) {
    out.push(`## \`${section.key}\``, '');
    if (section.description) out.push(section.description, '');
    out.push('| key | type | default | description |', '| --- | --- | --- | --- |');
    for (const k of keys.filter((k) => k.key.startsWith(`${section.key}.`))) {
      out.push(`| \`${k.key}\` | ${cell(k.type)} | ${cell(k.default)} | ${cell(k.description)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
