import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RepoSageError, throwIfCancelled } from '../errors';
import { walkWorkspace } from '../files';
import { readDocumentedFile } from './documented-file';
import type { DocumentedSymbol } from './documented-symbols';
import type { GoldenQuestion } from './golden-set';
import { docStyle } from '../languages/registry';

export interface HeldOutOptions {
  /** The repository the questions were bootstrapped from. */
  root: string;
  questions: readonly GoldenQuestion[];
  /** A new folder for the copy; it must not exist yet. */
  dest: string;
  wasmDir?: string;
  signal?: AbortSignal;
}

export interface HeldOutResult {
  /** The questions whose doc comment was taken out of the copy: the held-out golden set. */
  questions: GoldenQuestion[];
  /** Files copied, and questions left out because their doc could not be taken out cleanly. */
  files: number;
  skipped: number;
}

/**
 * Writes a copy of the repository in which the doc comments that bootstrapped questions came from
 * are blanked out, line numbers kept. A bootstrapped question is its function's docstring, which
 * also sits in the function's indexed chunk, so on the repository itself keyword search finds it
 * by its own words and the evaluation measures text matching. Searching the copy asks what users
 * ask: a description in words the code does not contain (the CodeSearchNet protocol).
 *
 * Only the files an index would read are copied. A question is kept when its expected location is
 * a documented symbol whose doc sits on lines of its own; the rest are counted as skipped.
 */
export async function writeHeldOutCopy(options: HeldOutOptions): Promise<HeldOutResult> {
  const { root, dest, signal } = options;
  await fs.mkdir(path.dirname(dest), { recursive: true });
  await fs.mkdir(dest).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
    throw new RepoSageError('INVALID_INPUT', `${dest} already exists.`, 'Name a new folder for the held-out copy.');
  });
  const walk = await walkWorkspace(root, {}, signal);
  for (const file of walk.files) {
    throwIfCancelled(signal);
    const target = path.join(dest, file.path);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.copyFile(file.absolutePath, target);
  }

  const byFile = new Map<string, GoldenQuestion[]>();
  for (const question of options.questions) {
    const file = question.expected[0]?.path;
    if (file) byFile.set(file, [...(byFile.get(file) ?? []), question]);
  }
  const kept = new Set<GoldenQuestion>();
  for (const [file, questions] of byFile) {
    throwIfCancelled(signal);
    const documented = await readDocumentedFile(path.join(dest, file), options.wasmDir);
    if (!documented) continue;
    const lines = documented.text.split('\n');
    const blanked: DocumentedSymbol[] = [];
    for (const question of questions) {
      const symbol = documented.symbols.find((candidate) => candidate.startLine === question.expected[0].startLine);
      if (!symbol || !docOwnsItsLines(symbol, lines)) continue;
      blanked.push(symbol);
      kept.add(question);
    }
    if (blanked.length > 0) await fs.writeFile(path.join(dest, file), blankDocs(lines, blanked, documented.grammar));
  }
  return {
    questions: options.questions.filter((question) => kept.has(question)),
    files: walk.files.length,
    skipped: options.questions.length - kept.size,
  };
}

/** True when nothing but the doc is on its lines, so blanking them leaves the code as it was. */
function docOwnsItsLines(symbol: DocumentedSymbol, lines: string[]): boolean {
  const words = (text: string) =>
    text
      .split('\n')
      .map((line) => line.trim())
      .join('\n');
  return words(lines.slice(symbol.docStartLine - 1, symbol.docEndLine).join('\n')) === words(symbol.doc);
}

/**
 * Empties each doc's lines, keeping the line count. A Python docstring becomes `""` so a body that
 * held only its docstring stays valid.
 */
function blankDocs(lines: string[], symbols: DocumentedSymbol[], grammar: string): string {
  const out = [...lines];
  for (const symbol of symbols) {
    for (let line = symbol.docStartLine; line <= symbol.docEndLine; line++) out[line - 1] = '';
    if (docStyle(grammar) === 'docstring') {
      const indent = lines[symbol.docStartLine - 1].match(/^\s*/)![0];
      out[symbol.docStartLine - 1] = `${indent}""`;
    }
  }
  return out.join('\n');
}
