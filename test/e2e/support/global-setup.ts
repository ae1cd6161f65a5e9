import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { codeServerInstalled, CODE_SERVER_BIN } from './code-server';
import { packageVsix } from './vsix';

declare module 'vitest' {
  export interface ProvidedContext {
    vsix: string;
  }
}

/**
 * Once per run: check code-server is there, and package the VSIX every test file installs
 * (REPOSAGE_E2E_VSIX names an already packaged one instead, to iterate on the tests alone).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!(await codeServerInstalled())) {
    throw new Error(`code-server is not installed at ${CODE_SERVER_BIN}. Run test/e2e/install-code-server.sh first.`);
  }
  if (process.env.REPOSAGE_E2E_VSIX) {
    project.provide('vsix', path.resolve(process.env.REPOSAGE_E2E_VSIX));
    return async () => undefined;
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reposage-vsix-'));
  const vsix = path.join(dir, 'reposage.vsix');
  await packageVsix(vsix);
  project.provide('vsix', vsix);
  return () => fs.rm(dir, { recursive: true, force: true });
}
