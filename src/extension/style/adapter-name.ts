/** Ollama's model names: path parts of letters, digits, `.`, `_` and `-`, then an optional `:tag`. */
const MODEL_NAME = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*(:[a-z0-9][a-z0-9._-]*)?$/;

/** `<project>-style`: the name offered for a project's style model, made valid for Ollama. */
export function defaultAdapterName(projectName: string): string {
  const slug = projectName
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '');
  return `${slug || 'project'}-style`;
}

/** Whether Ollama accepts the name for a new model (lower case only, as `ollama create` stores it). */
export function isModelName(name: string): boolean {
  return MODEL_NAME.test(name);
}
