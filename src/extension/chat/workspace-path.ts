import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * The absolute path of `relative` inside one of `roots`, or undefined when it would point outside
 * every root. The path comes from model output relayed by the webview, so it is checked twice:
 * lexically (no absolute paths, no `..` escapes) and after resolving symlinks on disk.
 */
export async function resolveInsideWorkspace(roots: readonly string[], relative: string): Promise<string | undefined> {
  if (relative.includes('\0') || path.isAbsolute(relative) || path.win32.isAbsolute(relative)) return undefined;
  for (const root of roots) {
    const candidate = path.resolve(root, ...relative.split('/'));
    if (!isWithin(root, candidate)) continue;
    try {
      const [realRoot, realCandidate] = await Promise.all([fs.realpath(root), fs.realpath(candidate)]);
      if (isWithin(realRoot, realCandidate) && (await fs.stat(realCandidate)).isFile()) return candidate;
    } catch {
      // Not in this root; try the next one.
    }
  }
  return undefined;
}

function isWithin(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
