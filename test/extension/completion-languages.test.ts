import { describe, expect, it } from 'vitest';
import { suggestsIn } from '../../src/extension/completion/languages';

const ts = { languageId: 'typescript', path: '/work/app/src/main.ts' };
const python = { languageId: 'python', path: '/work/app/tools/build.py' };
const unknown = { languageId: 'plaintext', path: '/work/app/NOTES' };
const untitledPython = { languageId: 'python', path: 'Untitled-1' };

describe('where inline suggestions appear', () => {
  it('by default in every file RepoSage recognises by name, and nowhere else', () => {
    const settings = { enabled: true, languages: [] };
    expect(suggestsIn(ts, settings)).toBe(true);
    expect(suggestsIn(python, settings)).toBe(true);
    expect(suggestsIn({ languageId: 'dockerfile', path: '/work/app/Dockerfile' }, settings)).toBe(true);
    expect(suggestsIn(unknown, settings)).toBe(false);
    expect(suggestsIn(untitledPython, settings)).toBe(false);
  });

  it('only in the listed languages when the list names some, by language id', () => {
    const settings = { enabled: true, languages: ['python'] };
    expect(suggestsIn(python, settings)).toBe(true);
    expect(suggestsIn(untitledPython, settings)).toBe(true);
    expect(suggestsIn(ts, settings)).toBe(false);
  });

  it('nowhere the enabled setting (or its language section) turns off', () => {
    expect(suggestsIn(ts, { enabled: false, languages: [] })).toBe(false);
    expect(suggestsIn(python, { enabled: false, languages: ['python'] })).toBe(false);
  });
});
