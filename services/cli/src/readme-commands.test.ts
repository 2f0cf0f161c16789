import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const launcher = fileURLToPath(new URL('../bin/shadowdiff.js', import.meta.url));
const readme = fileURLToPath(new URL('../../../README.md', import.meta.url));

/** A `shadowdiff …` command as the README shows it: where, and its arguments after `shadowdiff`. */
interface ReadmeCommand {
  line: number;
  text: string;
  args: string[];
}

/** Splits a shell word list (single/double quotes, backslash escapes); no expansion. */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text.charAt(++i);
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text.charAt(++i);
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * Every `shadowdiff <verb> …` / `npx shadowdiff <verb> …` command in the Markdown's fenced code
 * blocks and inline code spans. A shell line is cut at a comment or at `&&`, `||`, `;`, `|`; a
 * command whose verb is a placeholder (`shadowdiff <verb>`) is not one to run.
 */
function readmeCommands(markdown: string): ReadmeCommand[] {
  const found: ReadmeCommand[] = [];
  const take = (segment: string, line: number) => {
    for (const part of segment.split(/\s(?:&&|\|\||;|\|)\s/)) {
      const m = /(?:^|\s)(?:npx\s+)?shadowdiff\s+(.*)$/.exec(part.trim());
      if (!m?.[1]) continue;
      const args = shellWords(m[1]);
      const verb = args[0];
      if (verb === undefined || !/^[a-z][a-z-]*$/.test(verb)) continue;
      found.push({ line, text: part.trim(), args });
    }
  };
  let fenced = false;
  markdown.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (/^\s*(```|~~~)/.test(raw)) {
      fenced = !fenced;
      return;
    }
    if (fenced) {
      take(raw.replace(/(^|\s)#.*$/, ''), line);
      return;
    }
    for (const span of raw.matchAll(/`([^`]+)`/g)) take(span[1] ?? '', line);
  });
  return found;
}

describe('readmeCommands (what the README test runs)', () => {
  it('finds shadowdiff commands in code blocks and inline code, not placeholders or prose', () => {
    const markdown = [
      'Run `npx shadowdiff up` or `shadowdiff <verb> --help`; topics `shadowdiff.taps`.',
      '```sh',
      'npm ci && npx shadowdiff run --primary http://127.0.0.1:9001 --shadow "http://h:9002"  # yours',
      'shadowdiff report --from 1h | jq .totals',
      '# shadowdiff gate is in a comment',
      '```',
      'shadowdiff demo in prose is not a command',
    ].join('\n');
    expect(readmeCommands(markdown).map((c) => [c.line, c.args])).toEqual([
      [1, ['up']],
      [3, ['run', '--primary', 'http://127.0.0.1:9001', '--shadow', 'http://h:9002']],
      [4, ['report', '--from', '1h']],
    ]);
  });
});

describe('README.md: every shadowdiff command it shows runs as written', () => {
  const commands = readmeCommands(readFileSync(readme, 'utf8'));

  it('shows some', () => {
    expect(commands.length).toBeGreaterThan(0);
  });

  // With --help the CLI parses the command's flags (strict: an unknown flag exits 2) and prints
  // the verb's usage instead of running it. A verb the CLI does not have exits 2.
  it.each(commands.map((c) => [`README.md:${c.line} ${c.text}`, c] as const))(
    '%s --help exits 0',
    (_name, command) => {
      const run = spawnSync(process.execPath, [launcher, ...command.args, '--help'], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      expect(run.stdout).toContain(`Usage: shadowdiff ${command.args[0]}`);
    },
    // Each run starts a Node process that loads every service's code: seconds on a busy machine.
    30_000,
  );
});
