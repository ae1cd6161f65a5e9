import { createHash } from 'node:crypto';
import { throwIfCancelled } from '../errors';
import { walkWorkspace } from '../files';
import { questionFromDoc } from './doc-question';
import { readDocumentedFile } from './documented-file';
import type { GoldenQuestion } from './golden-set';

export interface BootstrapOptions {
  root: string;
  /** At most this many questions, a deterministic sample of all candidates. */
  limit?: number;
  /** Where the tree-sitter grammars are, when not in node_modules. */
  wasmDir?: string;
  signal?: AbortSignal;
}

export interface BootstrapResult {
  questions: GoldenQuestion[];
  /** Files parsed, documented symbols seen, and candidate questions before sampling. */
  files: number;
  documented: number;
  candidates: number;
}

/** Questions about tests would ask the repository about itself; users ask about the code. */
const TEST_FILE =
  /(^|\/)(tests?|__tests__|spec|testing)\/|(^|\/)(test_[^/]*|tests?)\.py$|_test\.(py|go)$|\.(test|spec)\.[cm]?[jt]sx?$/;

/**
 * Makes a golden set for any repository from its own documentation: each documented function,
 * method or class becomes a question (its doc summary, its name taken out) whose answer is where it
 * is defined. Summaries shared by several symbols are dropped: they have no single right answer.
 */
export async function bootstrapGoldenSet(options: BootstrapOptions): Promise<BootstrapResult> {
  const { signal } = options;
  const walk = await walkWorkspace(options.root, {}, signal);
  const candidates: GoldenQuestion[] = [];
  let files = 0;
  let documented = 0;
  for (const file of walk.files) {
    throwIfCancelled(signal);
    if (TEST_FILE.test(file.path)) continue;
    const documentedFile = await readDocumentedFile(file.absolutePath, options.wasmDir);
    if (!documentedFile) continue;
    files++;
    for (const symbol of documentedFile.symbols) {
      documented++;
      const question = questionFromDoc(symbol.doc, symbol.name);
      if (!question) continue;
      candidates.push({
        id: `${file.path}#${symbol.name}:${symbol.startLine}`,
        question,
        expected: [{ path: file.path, startLine: symbol.startLine, endLine: symbol.headEndLine }],
      });
    }
  }
  const unambiguous = withoutSharedQuestions(candidates);
  return { questions: sample(unambiguous, options.limit), files, documented, candidates: unambiguous.length };
}

function withoutSharedQuestions(questions: GoldenQuestion[]): GoldenQuestion[] {
  const counts = new Map<string, number>();
  const key = (q: GoldenQuestion) => q.question.toLowerCase();
  for (const q of questions) counts.set(key(q), (counts.get(key(q)) ?? 0) + 1);
  return questions.filter((q) => counts.get(key(q)) === 1);
}

/** The same repository always gives the same sample: ordered by a hash of each id, not by chance. */
function sample(questions: GoldenQuestion[], limit: number | undefined): GoldenQuestion[] {
  if (limit === undefined || questions.length <= limit) return questions;
  const hash = (id: string) => createHash('sha256').update(id).digest('hex');
  const picked = new Set(
    questions
      .map((q) => ({ q, h: hash(q.id) }))
      .sort((a, b) => (a.h < b.h ? -1 : 1))
      .slice(0, limit)
      .map(({ q }) => q),
  );
  return questions.filter((q) => picked.has(q));
}
