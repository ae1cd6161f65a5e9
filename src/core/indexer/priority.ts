/**
 * The order a build works in: what users most likely ask about first. Source code before
 * configuration, tests and docs; within each, the most recently edited files first.
 */
const TEST_PATH = new RegExp(
  String.raw`(^|\/)(tests?|__tests__|__mocks__|specs?|testing|fixtures)\/|(^|\/)(test_[^/]*|` +
    String.raw`[^/]*_tests?\.[a-z]+|conftest\.py|[^/]*\.(test|spec)\.[a-z]+|[^/]*Tests?\.(java|kt|cs|swift))$`,
  'i',
);
const DOC_PATH = /(^|\/)(docs?|documentation|examples?|samples?)\/|\.(md|mdx|markdown|rst|adoc|txt)$/i;
const CONFIG_PATH = /\.(json|jsonc|ya?ml|toml|ini|cfg|conf|xml|lock|properties)$|(^|\/)\.[^/]+$/i;

export type FileRank = 0 | 1 | 2 | 3;

/** 0 source, 1 configuration, 2 tests, 3 documentation and examples. */
export function fileRank(relativePath: string): FileRank {
  if (TEST_PATH.test(relativePath)) return 2;
  if (DOC_PATH.test(relativePath)) return 3;
  if (CONFIG_PATH.test(relativePath)) return 1;
  return 0;
}

/** Sorts a copy: lower rank first, then newer first, then by path so the order is stable. */
export function byPriority<T>(items: readonly T[], describe: (item: T) => { path: string; mtimeMs: number }): T[] {
  const keyed = items.map((item) => {
    const { path, mtimeMs } = describe(item);
    return { item, path, mtimeMs, rank: fileRank(path) };
  });
  keyed.sort((a, b) => a.rank - b.rank || b.mtimeMs - a.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return keyed.map(({ item }) => item);
}
