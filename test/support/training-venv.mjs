#!/usr/bin/env node
/**
 * Creates the Python virtual environment that the LoRA recipe's CPU test runs in, outside the
 * repository, from the pinned lock src/style/recipe/requirements-cpu.txt. Idempotent: once the venv
 * is complete it returns in milliseconds; a changed lock or interpreter rebuilds it from scratch.
 *
 *   node test/support/training-venv.mjs
 *
 * Folder: $REPOSAGE_TRAIN_VENV, else ~/.cache/reposage/venv-train. Interpreter: $REPOSAGE_PYTHON,
 * else python3 (3.11 or newer, as trl and transformers require).
 * Prints one JSON line on stdout: { python, venv, reused, seconds }; pip's output goes to stderr.
 *
 * A fresh build downloads about 2.8 GB of wheels from PyPI (torch and the nvidia libraries its
 * Linux wheel links at import) and takes a few minutes; the venv is about 4.9 GB.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lockFile = path.join(repoRoot, 'src/style/recipe/requirements-cpu.txt');
const venvDir = path.resolve(
  process.env.REPOSAGE_TRAIN_VENV || path.join(os.homedir(), '.cache', 'reposage', 'venv-train'),
);
const venvPython = path.join(venvDir, 'bin', 'python');
// Written last, so a build that was interrupted never passes for a complete one.
const stampFile = path.join(venvDir, '.reposage-stamp');

/** Runs a command with its output on stderr, keeping stdout for the one JSON line. */
function run(command, args) {
  execFileSync(command, args, { stdio: ['ignore', 2, 2] });
}

/** The interpreter's own path and version, which the stamp covers along with the lock. */
function describeInterpreter(python) {
  let out;
  try {
    out = execFileSync(python, ['-c', 'import sys; print(sys.executable); print(*sys.version_info[:3], sep=".")'], {
      encoding: 'utf8',
    });
  } catch (err) {
    throw new Error(`Cannot run ${python} (${err.message}). Install Python 3.11+ or set REPOSAGE_PYTHON.`);
  }
  const [executable, version] = out.trim().split('\n');
  const [major, minor] = version.split('.').map(Number);
  if (major < 3 || (major === 3 && minor < 11)) {
    throw new Error(`${executable} is Python ${version}; the recipe needs 3.11 or newer (set REPOSAGE_PYTHON).`);
  }
  return `${executable} ${version}`;
}

function ensureTrainingVenv() {
  const started = Date.now();
  const interpreter = process.env.REPOSAGE_PYTHON || 'python3';
  const key = createHash('sha256')
    .update(fs.readFileSync(lockFile))
    .update(describeInterpreter(interpreter))
    .digest('hex');

  const stamp = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : '';
  const reused = stamp === key && fs.existsSync(venvPython);
  if (!reused) {
    fs.rmSync(venvDir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(venvDir), { recursive: true });
    run(interpreter, ['-m', 'venv', venvDir]);
    // --no-deps: the lock is the whole resolved set, deliberately without the GPU-only packages.
    run(venvPython, ['-m', 'pip', 'install', '--no-deps', '--disable-pip-version-check', '-r', lockFile]);
    run(venvPython, ['-c', 'import torch, transformers, peft, trl, datasets']);
    fs.writeFileSync(stampFile, `${key}\n`);
  }
  return { python: venvPython, venv: venvDir, reused, seconds: (Date.now() - started) / 1000 };
}

try {
  console.log(JSON.stringify(ensureTrainingVenv()));
} catch (err) {
  console.error(`training venv: ${err.message}`);
  process.exit(1);
}
