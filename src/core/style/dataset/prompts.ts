import { fenced } from '../code-text';

/**
 * The one system message of every example, naming the project so the adapter ties the style to
 * it. Training and evaluation use the same text; so must whoever prompts the tuned model.
 */
export function styleSystemPrompt(projectName: string): string {
  return (
    `You are a coding assistant for the ${projectName} repository. Write code, documentation comments and ` +
    `commit messages the way this project writes them.`
  );
}

export interface ImplementPrompt {
  path: string;
  /** Markdown fence tag: python, typescript, … */
  language: string;
  /** Imports and the signatures of the file's other definitions, as the file has them. */
  context: string;
  signature: string;
  /** The doc comment's summary sentence. */
  summary: string;
}

export function implementPrompt(prompt: ImplementPrompt): string {
  const parts = [`Implement this function from ${prompt.path}.`];
  if (prompt.context.trim() !== '') parts.push(`Context from the file:\n${fenced(prompt.context, prompt.language)}`);
  parts.push(`Signature:\n${fenced(prompt.signature, prompt.language)}`, `What it does: ${prompt.summary}`);
  return parts.join('\n\n');
}

export function documentPrompt(path: string, language: string, code: string): string {
  return (
    `Write the documentation comment for this function from ${path}, the way this project documents its ` +
    `code.\n\n${fenced(code, language)}`
  );
}

export function commitPrompt(diff: string): string {
  return `Write the commit message for this change.\n\n${fenced(diff, 'diff')}`;
}
