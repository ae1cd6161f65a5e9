import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStyleSplit, writeStyleDataset } from '../../src/core/style/dataset/files';
import {
  MIN_GOOD_EXAMPLES,
  buildStyleDataset,
  countsByKind,
  type StyleDataset,
} from '../../src/core/style/dataset/export';
import { SECRET_PLACEHOLDER } from '../../src/core/style/dataset/scrub-secrets';
import type { StyleExample } from '../../src/core/style/types';
import { makeTempDir } from '../support/temp-dir';
import { FAKE_AWS_KEY, git, makeStyleRepo } from './style-fixture';

describe('style dataset export from a real git repository', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let dataset: StyleDataset;
  let all: StyleExample[];

  beforeAll(async () => {
    const temp = await makeTempDir('reposage-style-');
    root = path.join(temp.dir, 'tablekit');
    cleanup = temp.cleanup;
    await fs.mkdir(root);
    await makeStyleRepo(root);
    dataset = await buildStyleDataset({ root });
    all = [...dataset.splits.train, ...dataset.splits.validation];
  });
  afterAll(() => cleanup());

  /** Implement examples by the function they answer with; others by what their prompt shows. */
  const find = (kind: StyleExample['kind'], needle: string) =>
    all.filter(
      (example) => example.kind === kind && example.messages[kind === 'implement' ? 2 : 1].content.includes(needle),
    );

  it('makes implement-a-function examples: signature, doc summary and file outline → the function as written', () => {
    const [slugify] = find('implement', 'def slugify(text: str) -> str:');
    expect(slugify.source).toBe('src/textutil.py');
    const prompt = slugify.messages[1].content;
    expect(prompt).toContain('Implement this function from src/textutil.py.');
    expect(prompt).toContain('What it does: Turn a title into a lowercase, dash-separated identifier for URLs.');
    // The outline: imports and the other functions' first lines, not this one's body.
    expect(prompt).toContain('import re\nfrom typing import Iterable');
    expect(prompt).toContain('def dedent_lines(lines: Iterable[str]) -> list[str]:');
    expect(prompt).not.toContain('re.findall');
    expect(slugify.messages[2].content).toBe(
      '```python\ndef slugify(text: str) -> str:\n' +
        '    """Turn a title into a lowercase, dash-separated identifier for URLs."""\n' +
        '    words = re.findall(r"[a-z0-9]+", text.lower())\n    return "-".join(words)\n```',
    );
    expect(slugify.messages[0]).toEqual({ role: 'system', content: expect.stringContaining('tablekit repository') });
  });

  it('gives a method its doc comment on top, dedented, and the class in the outline', () => {
    const [countKey] = find('implement', 'countKey(key: string): number');
    expect(countKey.messages[2].content).toBe(
      '```typescript\n/** Counts the rows whose first field equals the given key. */\n' +
        'countKey(key: string): number {\n' +
        '  return this.rows.filter((row) => row[0] === key).length;\n}\n```',
    );
    expect(countKey.messages[1].content).toContain('export class Table {');
  });

  it('makes document-a-function examples: the code without its doc → the doc as the project wrote it', () => {
    const [dedent] = find('document', 'def dedent_lines(lines: Iterable[str]) -> list[str]:');
    expect(dedent.messages[1].content).not.toContain('Remove the indentation');
    expect(dedent.messages[1].content).toContain('    lines = list(lines)');
    expect(dedent.messages[2].content).toBe(
      '```python\n"""Remove the indentation that every non-blank line shares.\n\nArgs:\n' +
        '    lines: the lines to dedent.\n"""\n```',
    );
  });

  it('makes commit-message examples from history: the diff → the message', () => {
    const commits = all.filter((example) => example.kind === 'commit');
    const messages = commits.map((example) => example.messages[2].content);
    expect(messages).toContain('Parse CSV tables into rows of fields');
    const parse = commits.find((example) => example.messages[2].content === 'Parse CSV tables into rows of fields')!;
    expect(parse.messages[1].content).toContain('```diff\ndiff --git a/src/copy.ts b/src/copy.ts');
    expect(parse.messages[1].content).toContain('+export function splitFields(line: string): string[] {');
    expect(parse.files).toEqual(['src/copy.ts', 'src/near.py', 'src/parse.ts']);
    // "wip" teaches nothing; a version bump is a fact.
    expect(messages).not.toContain('wip');
    expect(messages).not.toContain('Bump version to 2.4.1');
    expect(dataset.dropped['trivial-message']).toBe(1);
  });

  it('leaves out version facts and the generated, minified and vendored files', () => {
    expect(find('implement', 'current_version')).toEqual([]);
    expect(dataset.dropped.factual).toBeGreaterThanOrEqual(2); // the version function and the version-bump commit
    expect(dataset.excludedFiles).toEqual([
      { path: 'src/api_pb2.py', reason: 'generated' },
      { path: 'src/bundle.js', reason: 'minified' },
      { path: 'src/db/queries.ts', reason: 'generated' },
      { path: 'src/vendored/helper.py', reason: 'vendored' },
    ]);
    const functionSources = new Set(
      all.filter((example) => example.kind !== 'commit').map((example) => example.source),
    );
    for (const excluded of [
      'src/api_pb2.py',
      'src/bundle.js',
      'src/db/queries.ts',
      'src/vendored/helper.py',
      'vendor/lib.py',
    ]) {
      expect(functionSources.has(excluded)).toBe(false);
    }
    // The commits that added them show none of their code, so they teach nothing and are left out.
    const messages = all.map((example) => example.messages[2].content);
    expect(messages.filter((message) => /^(Vendor the helper|Regenerate the database)/.test(message))).toEqual([]);
    expect(dataset.dropped['no-code']).toBe(2);
  });

  it('scrubs the credential from every example that showed it', () => {
    const text = JSON.stringify(all);
    expect(text).not.toContain(FAKE_AWS_KEY);
    const [storage] = find('implement', 'def storage_client(bucket: str):');
    expect(storage.messages[2].content).toContain(`access_key = "${SECRET_PLACEHOLDER}"`);
    expect(dataset.secretsScrubbed).toBeGreaterThanOrEqual(3); // implement, document, commit diff
  });

  it('removes exact and near duplicates', () => {
    // splitFields twice (parse.ts, copy.ts) and dedent_lines in near.py with one added comment.
    expect(find('implement', 'splitFields(line: string): string[]')).toHaveLength(1);
    expect(find('document', 'splitFields(line: string): string[]')).toHaveLength(1);
    expect(find('implement', 'def dedent_lines(lines: Iterable[str]) -> list[str]:')).toHaveLength(1);
    expect(dataset.dropped.duplicate).toBe(3); // splitFields ×2, dedent_lines' doc
    expect(dataset.dropped['near-duplicate']).toBe(1);
  });

  it('splits by file: no file shows code on both sides, and both sides have examples', () => {
    const filesOf = (examples: StyleExample[]) => new Set(examples.flatMap((example) => example.files));
    const train = filesOf(dataset.splits.train);
    const validation = filesOf(dataset.splits.validation);
    expect(dataset.splits.train.length).toBeGreaterThan(0);
    expect(dataset.splits.validation.length).toBeGreaterThan(0);
    expect([...validation].filter((file) => train.has(file))).toEqual([]);
  });

  it('warns that fewer than 500 examples are too few for a LoRA', () => {
    expect(all.length).toBeLessThan(MIN_GOOD_EXAMPLES);
    expect(dataset.warnings.join('\n')).toMatch(/fewer than 500.*few-shot/s);
  });

  it('writes TRL conversational JSONL, metadata and a dataset card, and reads them back', async () => {
    const out = path.join(root, '..', 'dataset');
    const files = await writeStyleDataset(dataset, out);
    expect(files.map((file) => path.basename(file)).sort()).toEqual([
      'README.md',
      'train.jsonl',
      'train.meta.jsonl',
      'validation.jsonl',
      'validation.meta.jsonl',
    ]);
    const lines = (await fs.readFile(path.join(out, 'train.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(dataset.splits.train.length);
    for (const line of lines) {
      const parsed = JSON.parse(line);
      expect(Object.keys(parsed)).toEqual(['messages']);
      expect(parsed.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant']);
    }
    expect(await readStyleSplit(out, 'validation')).toEqual(dataset.splits.validation);
    const card = await fs.readFile(path.join(out, 'README.md'), 'utf8');
    const head = git(root, 'rev-parse', 'HEAD').trim();
    expect(card).toContain(`at commit \`${head}\``);
    const counts = countsByKind(dataset);
    expect(card).toContain(
      `| Commit message (diff → message) | ${counts.commit.train} | ${counts.commit.validation} |`,
    );
    expect(card).toContain('fewer than 500');
  });
});
