import type { Chunk } from '../chunking/chunk';
import { CHUNKER_VERSION, chunkFile, languageForPath, type ChunkContext } from '../chunking';
import { throwIfCancelled } from '../errors';
import { readTextFile, walkWorkspace, type WorkspaceFile } from '../files';
import { ChunkStore } from '../store/chunk-store';
import { acquireIndexLock } from '../store/index-lock';
import { isObjectStore, objectStoreError } from '../store/location';
import type { OverlayRecord } from '../store/manifest';
import type { FileRow } from '../store/schema';
import { contentHash } from './content-hash';
import { gitCommit } from './git-commit';
import type { IndexerModels } from './models';
import { readSharedBase, splitAgainstShared } from './shared-base';
import type { IndexOptions, IndexProgress, IndexSummary, ProgressListener } from './types';

export interface SyncControls {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

/** Files per write: large enough to amortise LanceDB commits, small enough that a kill loses little. */
const FILES_PER_BATCH = 64;

/**
 * Brings the index in line with the workspace: new and changed files are chunked and embedded,
 * deleted ones removed, unchanged ones left alone. Safe to interrupt at any point: the next run
 * finishes the job without redoing finished files.
 */
export async function syncIndex(options: IndexOptions, models: IndexerModels, controls: SyncControls = {}): Promise<IndexSummary> {
  try {
    return await syncLocked(options, models, controls);
  } catch (error) {
    throw isObjectStore(options.dbDir) ? objectStoreError(options.dbDir, error) : error;
  }
}

async function syncLocked(options: IndexOptions, models: IndexerModels, controls: SyncControls): Promise<IndexSummary> {
  const started = performance.now();
  const { signal } = controls;
  const lock = await acquireIndexLock(options.dbDir);
  try {
    const { store, rebuiltBecause } = await ChunkStore.openForWrite(options.dbDir, {
      embeddingModel: models.embedder.modelId,
      dimension: models.embedder.dimension,
      chunkerVersion: CHUNKER_VERSION,
    });
    try {
      const run = new SyncRun(options, models, store, controls);
      await run.execute();
      return await run.summary(rebuiltBecause, (performance.now() - started) / 1000);
    } finally {
      store.close();
    }
  } finally {
    await lock.release();
    throwIfCancelled(signal);
  }
}

interface PreparedFile {
  row: FileRow;
  chunks: Chunk[];
}

/** The state of one sync: what was seen, done and skipped, so progress and the summary agree. */
class SyncRun {
  private readonly skipped: Record<string, number> = {};
  private indexed = 0;
  private unchanged = 0;
  private removed = 0;
  private chunksEmbedded = 0;
  private chunksReused = 0;
  private filesDone = 0;
  private filesTotal = 0;
  private overlay: OverlayRecord | undefined;
  private readonly chunkContext: ChunkContext;

  constructor(
    private readonly options: IndexOptions,
    private readonly models: IndexerModels,
    private readonly store: ChunkStore,
    private readonly controls: SyncControls,
  ) {
    this.chunkContext = { tokenCounter: models.tokenCounter, wasmDir: models.wasmDir };
  }

  async execute(): Promise<void> {
    const { signal } = this.controls;
    this.report('scanning');
    const walk = await walkWorkspace(this.options.root, {
      maxFileBytes: this.options.maxFileBytes,
      include: this.options.include,
      exclude: this.options.exclude,
    }, signal);
    for (const skip of walk.skipped) this.countSkip(skip.reason);
    if (walk.ignored > 0) this.skipped.ignored = walk.ignored;

    const catalog = await this.store.catalog();
    const files = await this.filesToIndex(walk.files, catalog);
    const present = new Set(files.map((file) => file.path));
    const gone = [...catalog.keys()].filter((path) => !present.has(path));

    const candidates: WorkspaceFile[] = [];
    for (const file of files) {
      const known = catalog.get(file.path);
      if (known && known.size === file.size && known.mtime_ms === file.mtimeMs) {
        this.unchanged++;
      } else {
        candidates.push(file);
      }
    }
    this.filesTotal = candidates.length;
    this.filesDone = 0;

    if (gone.length > 0) {
      this.report('cleaning');
      await this.store.removeFiles(gone);
      this.removed = gone.length;
    }

    // Reading and chunking the next batch overlaps with embedding the current one (the model runs on
    // native threads), so the model is rarely left waiting for input.
    const batches = sliceBatches(candidates, FILES_PER_BATCH);
    const prepare = (i: number) => {
      const prepared = this.prepare(batches[i], catalog);
      // Awaited on the next turn; until then a failure must not count as unhandled.
      prepared.catch(() => undefined);
      return prepared;
    };
    let next = batches.length > 0 ? prepare(0) : undefined;
    for (let i = 0; i < batches.length; i++) {
      throwIfCancelled(signal);
      const prepared = await next!;
      next = i + 1 < batches.length ? prepare(i + 1) : undefined;
      await this.embedAndWrite(prepared);
    }
    throwIfCancelled(signal);
    this.report('writing');
    await this.store.finishWrite({ commit: await gitCommit(this.options.root), overlay: this.overlay });
    this.report('done');
  }

  /** All walked files, or for an overlay on a shared index, those that differ from it. */
  private async filesToIndex(files: WorkspaceFile[], catalog: Map<string, FileRow>): Promise<WorkspaceFile[]> {
    const { sharedIndex } = this.options;
    if (!sharedIndex) return files;
    const base = await readSharedBase(sharedIndex, this.store.identity);
    const split = await splitAgainstShared(files, base, catalog, this.options.maxFileBytes);
    this.overlay = split.overlay;
    return split.local;
  }

  async summary(rebuiltBecause: string | undefined, seconds: number): Promise<IndexSummary> {
    const manifest = this.store.identity;
    const stats = await this.store.stats();
    return {
      root: this.options.root,
      dbDir: this.options.dbDir,
      embeddingModel: manifest.embeddingModel,
      dimension: manifest.dimension,
      chunkerVersion: manifest.chunkerVersion,
      files: { indexed: this.indexed, unchanged: this.unchanged, removed: this.removed, skipped: this.skipped },
      chunks: { total: stats.chunks, embedded: this.chunksEmbedded, reusedEmbeddings: this.chunksReused },
      languages: stats.languages,
      rebuiltBecause,
      seconds: Math.round(seconds * 100) / 100,
    };
  }

  private async prepare(files: WorkspaceFile[], catalog: Map<string, FileRow>): Promise<{ changed: PreparedFile[]; touched: FileRow[]; unreadable: string[] }> {
    const changed: PreparedFile[] = [];
    const touched: FileRow[] = [];
    const unreadable: string[] = [];
    for (const file of files) {
      throwIfCancelled(this.controls.signal);
      this.report('chunking', file.path);
      const read = await readTextFile(file.absolutePath, this.options.maxFileBytes);
      if ('skipped' in read) {
        this.countSkip(read.skipped);
        if (catalog.has(file.path)) unreadable.push(file.path);
        continue;
      }
      const hash = contentHash(read.text);
      const language = languageForPath(file.path) ?? 'plaintext';
      const row: FileRow = { path: file.path, size: file.size, mtime_ms: file.mtimeMs, content_hash: hash, chunk_count: 0, language };
      const known = catalog.get(file.path);
      if (known && known.content_hash === hash) {
        touched.push({ ...row, chunk_count: known.chunk_count });
        continue;
      }
      const chunks = await chunkFile({ path: file.path, text: read.text }, this.chunkContext);
      row.chunk_count = chunks.length;
      changed.push({ row, chunks });
    }
    return { changed, touched, unreadable };
  }

  private async embedAndWrite(batch: { changed: PreparedFile[]; touched: FileRow[]; unreadable: string[] }): Promise<void> {
    const { signal } = this.controls;
    const chunks = batch.changed.flatMap((file) => file.chunks);
    const known = await this.store.vectorsByContentHash(chunks.map((chunk) => chunk.contentHash));
    const missing = chunks.filter((chunk) => !known.has(chunk.contentHash));
    const unique = [...new Map(missing.map((chunk) => [chunk.contentHash, chunk])).values()];
    if (unique.length > 0) {
      this.report('embedding');
      const vectors = await this.models.embedder.embed(unique.map((chunk) => chunk.text), signal);
      unique.forEach((chunk, i) => known.set(chunk.contentHash, vectors[i]));
    }
    throwIfCancelled(signal);
    this.report('writing');
    await this.store.removeFiles(batch.unreadable);
    await this.store.replaceFiles(
      batch.changed.map((file) => file.row),
      chunks.map((chunk) => ({ chunk, vector: known.get(chunk.contentHash)! })),
    );
    await this.store.upsertCatalog(batch.touched);

    this.chunksEmbedded += unique.length;
    this.chunksReused += chunks.length - missing.length;
    this.indexed += batch.changed.length;
    this.unchanged += batch.touched.length;
    this.filesDone += batch.changed.length + batch.touched.length + batch.unreadable.length;
    this.report('writing');
  }

  private countSkip(reason: string): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
  }

  private report(phase: IndexProgress['phase'], path?: string): void {
    this.controls.onProgress?.({
      phase,
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      chunks: this.chunksEmbedded + this.chunksReused,
      skipped: Object.values(this.skipped).reduce((sum, n) => sum + n, 0),
      path,
    });
  }
}

function sliceBatches<T>(items: T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}
