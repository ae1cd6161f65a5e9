import path from 'node:path';

/** How the terminal's shell reads quotes. */
export type ShellKind = 'posix' | 'powershell' | 'cmd';

export interface TrainArgs {
  /** The Python to run; the terminal's PATH (an activated virtual environment) finds it. */
  python: string;
  /** train_lora.py, as shipped with the extension. */
  recipe: string;
  /** A Hugging Face id or local folder of the chat model to adapt. */
  base: string;
  /** The exported dataset: train.jsonl and validation.jsonl. */
  data: string;
  /** Where the adapter and training_report.json go. */
  out: string;
}

/** The shell VS Code opens terminals with (vscode.env.shell, empty when unknown), by its program's name. */
export function shellKindOf(shellPath: string, platform: NodeJS.Platform): ShellKind {
  if (shellPath === '') return platform === 'win32' ? 'powershell' : 'posix';
  const name = path.win32
    .basename(shellPath)
    .toLowerCase()
    .replace(/\.exe$/, '');
  if (name === 'pwsh' || name === 'powershell') return 'powershell';
  if (name === 'cmd') return 'cmd';
  return 'posix';
}

/** `python3` where that is the name (Linux, macOS), `python` on Windows, as each platform's installers name it. */
export function defaultPython(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'python' : 'python3';
}

/** The recipe's command line, each argument quoted for the shell that reads it. */
export function trainCommandLine(args: TrainArgs, shell: ShellKind): string {
  const words = [args.python, args.recipe, '--base', args.base, '--data', args.data, '--out', args.out].map((word) =>
    quote(word, shell),
  );
  // PowerShell reads a quoted first word as a string, not a program, unless it is called with `&`.
  const call = shell === 'powershell' && words[0] !== args.python ? '& ' : '';
  return call + words.join(' ');
}

/** Words made only of these need no quotes in any of the shells. */
const PLAIN = /^[A-Za-z0-9_./:=-]+$/;

function quote(word: string, shell: ShellKind): string {
  const plain = shell === 'posix' ? PLAIN.test(word) : PLAIN.test(word.replace(/\\/g, '/'));
  if (plain && word !== '') return word;
  switch (shell) {
    case 'posix':
      return `'${word.replace(/'/g, `'\\''`)}'`;
    case 'powershell':
      return `'${word.replace(/'/g, "''")}'`;
    case 'cmd':
      return `"${word.replace(/"/g, '""')}"`;
  }
}
