import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Chunk } from '../chunking/chunk';
import type { ContextBlock } from '../retrieval/pack';
import { citationNumbers } from '../../shared/citation-grammar';
import type { Citation, Source, Verification } from './types';

/**
 * The source numbers an answer cites, in order of first mention, each once. Understands [1],
 * [1, 3] and [1][2] (the grammar the panel shares: citation-grammar.ts). Code spans and fenced
 * blocks are skipped, so `items[0]` in a snippet is not read as a citation.
 */
export function parseCitationMarkers(answer: string): number[] {
  const prose = answer.replace(/(`{3,}|~{3,})[\s\S]*?(?:\1|$)/g, ' ').replace(/`[^`\n]*`/g, ' ');
  return [...new Set(citationNumbers(prose))];
}

/**
 * Checks every block the model was shown against the files as they are now, through the indexed
 * chunks it was made from. What is compared, per chunk: its stored code (the text without the
 * header lines the chunker puts above it) against lines startLine..endLine on disk now. Trailing
 * whitespace is ignored, as the chunker drops it, and so are line endings (CRLF reads as LF). The
 * chunker cuts a line too long for one chunk between words, so a chunk's first line only has to
 * be the end of the line on disk and its last line the start. Any other edit to those lines, or
 * lines shifting under them, makes the block unverified.
 */
export async function verifySources(
  root: string,
  blocks: readonly ContextBlock[],
  chunks: readonly Chunk[],
): Promise<Source[]> {
  const chunksById = new Map(chunks.map((chunk) => [chunk.id, chunk]));
  const files = new Map<string, Promise<FileLines>>();
  const linesOf = (relative: string) => {
    let read = files.get(relative);
    if (!read) {
      read = readWorkspaceLines(root, relative);
      files.set(relative, read);
    }
    return read;
  };
  return Promise.all(
    blocks.map(async (block) => ({
      n: block.n,
      path: block.path,
      startLine: block.startLine,
      endLine: block.endLine,
      ...verifyBlock(
        await linesOf(block.path),
        block,
        block.chunkIds.map((id) => chunksById.get(id)),
      ),
    })),
  );
}

/**
 * The cited sources, in order of first mention. Numbers that match no block the model was shown
 * (a model inventing [7] out of five blocks) are left out: there is nothing to link them to.
 */
export function citedSources(answer: string, sources: readonly Source[]): Citation[] {
  const byNumber = new Map(sources.map((source) => [source.n, source]));
  return parseCitationMarkers(answer).flatMap((n) => {
    const source = byNumber.get(n);
    return source ? [source] : [];
  });
}

type FileLines = { lines: string[] } | { problem: string };

async function readWorkspaceLines(root: string, relative: string): Promise<FileLines> {
  const outside = { problem: `${relative} is outside the workspace` };
  if (path.isAbsolute(relative) || !isInside(root, path.resolve(root, relative))) return outside;
  let realFile: string;
  try {
    realFile = await fs.realpath(path.resolve(root, relative));
  } catch {
    return { problem: `${relative} no longer exists` };
  }
  // A symbolic link inside the workspace may point anywhere; only its target counts.
  if (!isInside(await fs.realpath(root), realFile)) return outside;
  try {
    const lines = (await fs.readFile(realFile, 'utf8')).split(/\r?\n/);
    // A final newline ends the last line; it does not start another.
    if (lines.at(-1) === '') lines.pop();
    return { lines };
  } catch {
    return { problem: `${relative} cannot be read` };
  }
}

function verifyBlock(file: FileLines, block: ContextBlock, chunks: Array<Chunk | undefined>): Verification {
  if ('problem' in file) return { verified: false, reason: file.problem };
  const { startLine, endLine } = block;
  if (endLine > file.lines.length) {
    return {
      verified: false,
      reason: `lines ${startLine}-${endLine} no longer exist (the file has ${file.lines.length})`,
    };
  }
  if (chunks.length === 0 || chunks.some((chunk) => !chunk))
    return { verified: false, reason: 'the block does not come from the index' };
  return chunks.every((chunk) => chunkMatches(file.lines, chunk!))
    ? { verified: true }
    : { verified: false, reason: `lines ${startLine}-${endLine} changed since they were indexed` };
}

function chunkMatches(fileLines: readonly string[], chunk: Chunk): boolean {
  const count = chunk.endLine - chunk.startLine + 1;
  // The header comes first, so the code is the text's last `count` lines.
  const indexed = chunk.text
    .split('\n')
    .slice(-count)
    .map((line) => line.trimEnd());
  const now = fileLines.slice(chunk.startLine - 1, chunk.endLine).map((line) => line.trimEnd());
  if (indexed.length !== count || now.length !== count) return false;
  const last = count - 1;
  return indexed.every((line, i) => {
    if (line === now[i]) return true;
    if (i === 0 && i === last) return now[i].includes(line);
    if (i === 0) return now[i].endsWith(line);
    return i === last && now[i].startsWith(line);
  });
}

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
