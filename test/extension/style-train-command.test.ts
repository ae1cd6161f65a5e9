import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPython, shellKindOf, trainCommandLine, type TrainArgs } from '../../src/extension/style/train-command';
import { makeTempDir } from '../support/temp-dir';

const SIMPLE: TrainArgs = {
  python: 'python3',
  recipe: '/home/ada/.vscode/extensions/reposage.reposage-0.1.0/src/style/recipe/train_lora.py',
  base: 'mistralai/Mistral-7B-Instruct-v0.3',
  data: '/work/shop/.reposage/style',
  out: '/work/shop/.reposage/style-adapter',
};

describe('the training command line', () => {
  it('runs the shipped recipe on the exported dataset, unquoted where nothing needs quotes', () => {
    expect(trainCommandLine(SIMPLE, 'posix')).toBe(
      'python3 /home/ada/.vscode/extensions/reposage.reposage-0.1.0/src/style/recipe/train_lora.py ' +
        '--base mistralai/Mistral-7B-Instruct-v0.3 --data /work/shop/.reposage/style --out ' +
        '/work/shop/.reposage/style-adapter',
    );
  });

  describe('in a POSIX shell', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let echoArgs: string;

    beforeAll(async () => {
      ({ dir, cleanup } = await makeTempDir('reposage-train-cmd-'));
      // Stands in for the recipe: prints the arguments the shell passed.
      echoArgs = path.join(dir, "it's a recipe $HOME", 'train_lora.js');
      await fs.mkdir(path.dirname(echoArgs));
      await fs.writeFile(echoArgs, 'console.log(JSON.stringify(process.argv.slice(2)));\n');
    });
    afterAll(() => cleanup());

    it('hands the recipe every argument intact: spaces, quotes, dollars, backslashes', () => {
      const args: TrainArgs = {
        python: process.execPath,
        recipe: echoArgs,
        base: "/models/Ada's base (v2)",
        data: '/work/my shop/$DATA/`style`',
        out: 'C:\\Users\\ada\\adapter; rm -rf ~',
      };
      const line = trainCommandLine(args, 'posix');
      const received = JSON.parse(execFileSync('/bin/sh', ['-c', line], { encoding: 'utf8' }));
      expect(received).toEqual(['--base', args.base, '--data', args.data, '--out', args.out]);
    });
  });

  it('quotes for PowerShell, calling a quoted program with &', () => {
    const line = trainCommandLine(
      {
        python: 'C:\\Program Files\\Python312\\python.exe',
        recipe: "C:\\Users\\O'Brien\\.vscode\\extensions\\reposage\\src\\style\\recipe\\train_lora.py",
        base: 'mistralai/Mistral-7B-Instruct-v0.3',
        data: 'C:\\work\\shop\\.reposage\\style',
        out: 'C:\\work\\my shop\\.reposage\\style-adapter',
      },
      'powershell',
    );
    expect(line).toBe(
      "& 'C:\\Program Files\\Python312\\python.exe' " +
        "'C:\\Users\\O''Brien\\.vscode\\extensions\\reposage\\src\\style\\recipe\\train_lora.py' " +
        '--base mistralai/Mistral-7B-Instruct-v0.3 --data C:\\work\\shop\\.reposage\\style --out ' +
        "'C:\\work\\my shop\\.reposage\\style-adapter'",
    );
    expect(trainCommandLine({ ...SIMPLE, python: 'python' }, 'powershell').startsWith('python ')).toBe(true);
  });

  it('quotes for cmd with double quotes', () => {
    const line = trainCommandLine({ ...SIMPLE, python: 'python', data: 'C:\\work\\my shop\\style' }, 'cmd');
    expect(line).toContain('--data "C:\\work\\my shop\\style" --out');
  });

  it('tells the shells apart by their program, and picks the Python each platform names', () => {
    expect(shellKindOf('/bin/bash', 'linux')).toBe('posix');
    expect(shellKindOf('/usr/local/bin/fish', 'darwin')).toBe('posix');
    expect(shellKindOf('C:\\Program Files\\PowerShell\\7\\pwsh.exe', 'win32')).toBe('powershell');
    expect(shellKindOf('C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'win32')).toBe('powershell');
    expect(shellKindOf('C:\\WINDOWS\\system32\\cmd.exe', 'win32')).toBe('cmd');
    expect(shellKindOf('C:\\Program Files\\Git\\bin\\bash.exe', 'win32')).toBe('posix');
    expect(shellKindOf('', 'win32')).toBe('powershell');
    expect(shellKindOf('', 'linux')).toBe('posix');
    expect(defaultPython('win32')).toBe('python');
    expect(defaultPython('linux')).toBe('python3');
  });
});
