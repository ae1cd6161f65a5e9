import { promises as fs } from 'node:fs';
import { RepoSageError } from '../errors';

/** Where the answer to a question lives: a file, or lines of it (1-based, inclusive). */
export interface ExpectedLocation {
  path: string;
  startLine?: number;
  endLine?: number;
}

/** One line of a golden set file (JSONL). */
export interface GoldenQuestion {
  id: string;
  question: string;
  expected: ExpectedLocation[];
  /** A reference answer, for judging generated answers; retrieval evaluation ignores it. */
  answer?: string;
}

/** Reads a golden set; any malformed line is an error naming the file and the line. */
export async function readGoldenSet(file: string): Promise<GoldenQuestion[]> {
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new RepoSageError(
      'FILE_UNREADABLE',
      `Cannot read the golden set ${file}: ${(error as Error).message}.`,
      'Check the --golden path.',
    );
  }
  return parseGoldenSet(raw, file);
}

export function parseGoldenSet(raw: string, source: string): GoldenQuestion[] {
  const questions: GoldenQuestion[] = [];
  const ids = new Set<string>();
  raw.split('\n').forEach((line, index) => {
    if (line.trim().length === 0) return;
    const where = `${source}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw invalid(where, `not valid JSON (${(error as Error).message})`);
    }
    const question = validateQuestion(value, where);
    if (ids.has(question.id)) throw invalid(where, `the id "${question.id}" is used twice`);
    ids.add(question.id);
    questions.push(question);
  });
  if (questions.length === 0) throw invalid(source, 'it holds no questions');
  return questions;
}

export async function writeGoldenSet(file: string, questions: readonly GoldenQuestion[]): Promise<void> {
  await fs.writeFile(file, formatGoldenSet(questions));
}

export function formatGoldenSet(questions: readonly GoldenQuestion[]): string {
  return questions.map((question) => `${JSON.stringify(question)}\n`).join('');
}

function validateQuestion(value: unknown, where: string): GoldenQuestion {
  if (!isRecord(value)) throw invalid(where, 'each line must be a JSON object');
  const { id, question, expected, answer } = value;
  if (typeof id !== 'string' || id.length === 0) throw invalid(where, '"id" must be a non-empty string');
  if (typeof question !== 'string' || question.trim().length === 0)
    throw invalid(where, '"question" must be a non-empty string');
  if (!Array.isArray(expected) || expected.length === 0)
    throw invalid(where, '"expected" must be a non-empty array of {path, startLine?, endLine?}');
  if (answer !== undefined && typeof answer !== 'string')
    throw invalid(where, '"answer" must be a string when present');
  return {
    id,
    question,
    expected: expected.map((location, i) => validateLocation(location, `${where} expected[${i}]`)),
    ...(answer !== undefined ? { answer } : {}),
  };
}

function validateLocation(value: unknown, where: string): ExpectedLocation {
  if (!isRecord(value)) throw invalid(where, 'must be an object');
  const { path, startLine, endLine } = value;
  if (typeof path !== 'string' || path.length === 0) throw invalid(where, '"path" must be a non-empty string');
  if (path.includes('\\') || path.startsWith('/'))
    throw invalid(where, `"path" must be relative to the repository root with / separators, not ${path}`);
  const location: ExpectedLocation = { path };
  if (startLine === undefined && endLine === undefined) return location;
  if (!isLine(startLine) || !isLine(endLine))
    throw invalid(where, '"startLine" and "endLine" must both be given, as whole numbers from 1');
  if (endLine < startLine) throw invalid(where, `"endLine" ${endLine} is before "startLine" ${startLine}`);
  return { path, startLine, endLine };
}

function isLine(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(where: string, problem: string): RepoSageError {
  return new RepoSageError(
    'INVALID_INPUT',
    `Golden set ${where}: ${problem}.`,
    'Each line is {"id","question","expected":[{"path","startLine"?,"endLine"?}],"answer"?}.',
  );
}
