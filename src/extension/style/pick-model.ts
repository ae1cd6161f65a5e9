import * as vscode from 'vscode';
import { RepoSageError } from '../../core/errors';
import type { ModelSummary } from '../../core/ollama';

/** A quick pick of the models installed in Ollama, `preferred` first. */
export async function pickModel(
  installed: ModelSummary[],
  title: string,
  preferred?: string,
): Promise<ModelSummary | undefined> {
  if (installed.length === 0) {
    throw new RepoSageError(
      'OLLAMA_MODEL_MISSING',
      vscode.l10n.t('Ollama has no models installed.'),
      vscode.l10n.t('Pull one (ollama pull <model>), then try again.'),
    );
  }
  const sorted = [...installed].sort(
    (a, b) => Number(b.name === preferred) - Number(a.name === preferred) || a.name.localeCompare(b.name),
  );
  const picked = await vscode.window.showQuickPick(
    sorted.map((model) => ({
      label: model.name,
      description: [model.details.family, model.details.parameterSize, model.details.quantization]
        .filter(Boolean)
        .join(' · '),
      detail: model.details.parentModel ? vscode.l10n.t('created from {0}', model.details.parentModel) : undefined,
      model,
    })),
    { title, matchOnDescription: true },
  );
  return picked?.model;
}
