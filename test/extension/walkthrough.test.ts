import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import manifest from '../../package.json';

const root = path.resolve(__dirname, '..', '..');

describe('the getting-started walkthrough', () => {
  const [walkthrough] = manifest.contributes.walkthroughs;
  const commands = new Set(manifest.contributes.commands.map((command) => command.command));

  it('goes from installing Ollama to opening a citation', () => {
    expect(walkthrough.steps.map((step) => step.id)).toEqual([
      'installOllama',
      'pullModels',
      'index',
      'ask',
      'openCitation',
    ]);
  });

  it('shows media that ships and runs commands that exist', () => {
    for (const step of walkthrough.steps) {
      expect(existsSync(path.join(root, step.media.markdown)), step.media.markdown).toBe(true);
      for (const [, command] of step.description.matchAll(/\(command:([\w.]+)\)/g))
        expect(commands, command).toContain(command);
      for (const event of (step as { completionEvents?: string[] }).completionEvents ?? [])
        expect(commands).toContain(event.replace(/^onCommand:/, ''));
    }
  });
});
