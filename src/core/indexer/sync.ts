import path from 'node:path';
import type { Chunk } from '../chunking/chunk';
import { CHUNKER_VERSION, type ChunkContext, chunkFile } from '../chunking';
import { languageForPath } from '../languages/registry';
import { throwIfCancelled } from '../errors';
import { changeScope, isWithin, readTextFile, walkPaths, walkWorkspace, type WorkspaceFile } from '../files';
import { ChunkStore, type ChunkToStore } from '../store/chunk-store';
import { acquireIndexLock } from '../store/index-lock';
import { isObjectStore, objectStoreError } from '../store/location';
import type { OverlayRecord } from '../store/manifest';
import type { FileRow } from '../store/schema';
import { contentHash as hashText } from './content-hash';
import { gitCommit } from './git-commit';
import type { IndexerModels } from './models';
import { byPriority } from './priority';
import { readSharedBase, splitAgainstShared } from './shared-base';
import { vectorPolicy } from './vector-policy';
import type { IndexOptions, IndexProgress, IndexSummary, ProgressListener } from './types';

export interface SyncControls {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /**
   * Called once every chunk that gets a vector has it, before the search indexes are built. A caller
   * that indexes once (the CLI) frees the embedding model here: building the vector index takes the
   * most memory of the run (+~350 MB at 59k chunks), and the model's share is ~110 MB.
   */
  onEmbedded?: () => Promise<void>;
}

/** Files per write: large enough to amortise LanceDB commits, small enough that a kill loses little. */
const FILES_PER_BATCH = 64;
/** Chunks embedded per vector write: a few seconds of model time, so coverage moves steadily. */
const CHUNKS_PER_VECTOR_WRITE = 128;

/**
 * Brings the index in line with the workspace: new and changed files are chunked and deleted ones
 * removed, unchanged ones left alone. It works in two passes so that questions can be asked early:
 * first every changed file's chunks are written without vectors (keyword search works once the
 * first batch is in), then the chunks still without one are embedded, most-likely-asked first.
 * Safe to interrupt at any point: the next run finishes the job without redoing finished work.
 */
export async function syncIndex(
  options: IndexOptions,
  models: IndexerModels,
  controls: SyncControls = {},
): Promise<IndexSummary> {
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
    const { store, rebuiltBecause, repairing } = await ChunkStore.openForWrite(
      options.dbDir,
      {
        embeddingModel: models.embedder.modelId,
        dimension: models.embedder.dimension,
        chunkerVersion: CHUNKER_VERSION,
        ...(models.staticEmbedder
          ? { staticModel: { id: models.staticEmbedder.modelId, dimension: models.staticEmbedder.dimension } }
          : {}),
      },
      { rebuildBecause: options.rebuildBecause },
    );
    try {
      // Named paths suffice only where the last run finished: a new, rebuilt or cut-short index is walked whole.
      const changedPaths = store.health.finished ? options.changedPaths : undefined;
      const run = new SyncRun({ ...options, changedPaths }, models, store, controls);
      await run.writeChunks();
      await run.embedPending();
      await controls.onEmbedded?.();
      await run.finish();
      return {
        ...(await run.summary(rebuiltBecause, (performance.now() - started) / 1000)),
        ...(repairing ? { repaired: repairing } : {}),
      };
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
  /** False for files retrieval should not return by meaning (see vectorPolicy): keyword search only. */
  embed: boolean;
}

interface PreparedBatch {
  changed: PreparedFile[];
  /** Known files whose content turned out unchanged: only their size and time are recorded. */
  touched: FileRow[];
  /** Known files that can no longer be read as text: taken out of the index. */
  unreadable: string[];
  /** Files new to the index that turned out not worth indexing (binary, generated, ...): done with too. */
  skipped: number;
}

/** The state of one sync: what was seen, done and skipped, so progress and the summary agree. */
class SyncRun {
  private readonly skipped: Record<string, number> = {};
  private indexed = 0;
  private unchanged = 0;
  private removed = 0;
  private chunksEmbedded = 0;
  private chunksWritten = 0;
  private chunksReused = 0;
  private filesDone = 0;
  private filesTotal = 0;
  private overlay: OverlayRecord | undefined;
  private keywordReady = false;
  private vectors = { ready: 0, total: 0 };
  /** Modification times of the workspace's files, for the embedding order. */
  private readonly mtimes = new Map<string, number>();
  private readonly chunkContext: ChunkContext;

  constructor(
    private readonly options: IndexOptions,
    private readonly models: IndexerModels,
    private readonly store: ChunkStore,
    private readonly controls: SyncControls,
  ) {
    this.chunkContext = { tokenCounter: models.tokenCounter, wasmDir: models.wasmDir };
  }

  /** The keyword pass: changed files chunked and written without new vectors, in priority order. */
  async writeChunks(): Promise<void> {
    const { signal } = this.controls;
    this.report('scanning');
    const { changedPaths, sharedIndex } = this.options;
    // Only what changed is looked at when the caller knows it (a save); otherwise everything.
    const scope = changedPaths && !sharedIndex ? changeScope(changedPaths) : [''];
    const walkOptions = {
      maxFileBytes: this.options.maxFileBytes,
      include: this.options.include,
      exclude: this.options.exclude,
      includeKinds: this.options.includeKinds,
      // An index kept inside the folder it indexes must not index itself.
      excludeFolders: [this.options.dbDir],
    };
    const wholeWorkspace = scope.includes('');
    const walk = wholeWorkspace
      ? await walkWorkspace(this.options.root, walkOptions, signal)
      : await walkPaths(this.options.root, scope, walkOptions, signal);
    for (const skip of walk.skipped) this.countSkip(skip.reason);
    if (walk.ignored > 0) this.skipped.ignored = walk.ignored;
    for (const file of walk.files) this.mtimes.set(file.path, file.mtimeMs);

    const catalog = await this.store.catalog(scope);
    const files = await this.filesToIndex(walk.files, catalog);
    const present = new Set(files.map((file) => file.path));
    // A known file is gone when the walk covered where it was and did not list it.
    const gone = [...catalog.keys()].filter(
      (path) => !present.has(path) && scope.some((covered) => isWithin(path, covered)),
    );
    const known = wholeWorkspace ? catalog.size : await this.store.fileCount();
    const planned = known - gone.length + files.filter((file) => !catalog.has(file.path)).length;

    let candidates: WorkspaceFile[] = [];
    for (const file of files) {
      const known = catalog.get(file.path);
      if (known && known.size === file.size && known.mtime_ms === file.mtimeMs) {
        this.unchanged++;
      } else {
        candidates.push(file);
      }
    }
    candidates = byPriority(candidates, (file) => ({ path: file.path, mtimeMs: file.mtimeMs }));
    this.filesTotal = candidates.length;
    this.filesDone = 0;
    if (candidates.length > 0 || gone.length > 0) await this.store.beginRun(planned, path.resolve(this.options.root));

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
      await this.write(prepared);
      if (!this.keywordReady) await this.makeKeywordSearchable();
    }
    throwIfCancelled(signal);
    await this.makeKeywordSearchable();
  }

  /**
   * The vector pass: every chunk still without a vector (from this run, or one cut short before),
   * source before tests and docs, recent files first. Identical chunks are embedded once.
   */
  async embedPending(): Promise<void> {
    const { signal } = this.controls;
    const pending = byPriority(await this.store.pendingVectors(), (row) => ({
      path: row.path,
      mtimeMs: this.mtimes.get(row.path) ?? 0,
    }));
    const coverage = await this.store.vectorCoverage();
    this.vectors = { ready: coverage.ready, total: coverage.ready + coverage.pending };
    this.report('embedding');
    let writing: Promise<void> = Promise.resolve();
    for (let start = 0; start < pending.length; start += CHUNKS_PER_VECTOR_WRITE) {
      throwIfCancelled(signal);
      const ids = pending.slice(start, start + CHUNKS_PER_VECTOR_WRITE).map((row) => row.id);
      const texts = await this.store.textsOf(ids);
      const unique = [...new Map([...texts.values()].map((entry) => [entry.contentHash, entry.text])).entries()];
      const vectors = await this.models.embedder.embed(
        unique.map(([, text]) => text),
        signal,
      );
      const byHash = new Map(unique.map(([hash], i) => [hash, vectors[i]]));
      // The write of one batch overlaps with embedding the next.
      await writing;
      const batch = new Map([...texts].map(([id, entry]) => [id, byHash.get(entry.contentHash)!]));
      writing = this.store.writeVectors(batch).then(() => {
        this.chunksEmbedded += unique.length;
        this.vectors.ready += batch.size;
        this.report('embedding');
      });
      writing.catch(() => undefined);
    }
    await writing;
  }

  async finish(): Promise<void> {
    throwIfCancelled(this.controls.signal);
    this.report('writing');
    await this.store.finishWrite({ commit: await gitCommit(this.options.root), overlay: this.overlay });
    this.report('done');
  }

  private async makeKeywordSearchable(): Promise<void> {
    if (this.keywordReady) return;
    await this.store.makeKeywordSearchable();
    this.keywordReady = true;
    this.report('writing');
  }

  /** All walked files, or for an overlay on a shared index, those that differ from it. */
  private async filesToIndex(files: WorkspaceFile[], catalog: Map<string, FileRow>): Promise<WorkspaceFile[]> {
    const { sharedIndex } = this.options;
    if (!sharedIndex) return files;
    const base = await readSharedBase(sharedIndex, this.store.identity);
    const split = await splitAgainstShared(files, base, catalog, {
      maxFileBytes: this.options.maxFileBytes,
      includeKinds: this.options.includeKinds,
    });
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

  private async prepare(files: WorkspaceFile[], catalog: Map<string, FileRow>): Promise<PreparedBatch> {
    const changed: PreparedFile[] = [];
    const touched: FileRow[] = [];
    const unreadable: string[] = [];
    let skipped = 0;
    for (const file of files) {
      throwIfCancelled(this.controls.signal);
      this.report('chunking', file.path);
      const read = await readTextFile(file.absolutePath, this.options.maxFileBytes, {
        includeKinds: this.options.includeKinds,
      });
      if ('skipped' in read) {
        this.countSkip(read.skipped);
        if (catalog.has(file.path)) unreadable.push(file.path);
        else skipped++;
        continue;
      }
      const contentHash = hashText(read.text);
      const language = languageForPath(file.path) ?? 'plaintext';
      const row: FileRow = {
        path: file.path,
        size: file.size,
        mtime_ms: file.mtimeMs,
        content_hash: contentHash,
        chunk_count: 0,
        language,
      };
      const known = catalog.get(file.path);
      if (known && known.content_hash === contentHash) {
        touched.push({ ...row, chunk_count: known.chunk_count });
        continue;
      }
      const chunks = await chunkFile({ path: file.path, text: read.text }, this.chunkContext);
      row.chunk_count = chunks.length;
      changed.push({ row, chunks, embed: vectorPolicy(file.path, read.text) === 'embed' });
    }
    return { changed, touched, unreadable, skipped };
  }

  /**
   * Writes a batch's chunks, with the vectors the index already has for their content, else without;
   * and with their static vectors, so dense search covers them from this write on.
   */
  private async write(batch: PreparedBatch): Promise<void> {
    throwIfCancelled(this.controls.signal);
    const chunks = batch.changed.flatMap((file) => file.chunks.map((chunk) => ({ chunk, embed: file.embed })));
    const embedded = chunks.filter(({ embed }) => embed).map(({ chunk }) => chunk);
    const known = await this.store.vectorsByContentHash(embedded.map((chunk) => chunk.contentHash));
    const staticVectors = await this.staticVectors(embedded);
    const rows: ChunkToStore[] = chunks.map(({ chunk, embed }) => ({
      chunk,
      vector: !embed ? 'none' : (known.get(chunk.contentHash) ?? 'pending'),
      staticVector: staticVectors.get(chunk.id),
    }));
    this.report('writing');
    await this.store.removeFiles(batch.unreadable);
    await this.store.replaceFiles(
      batch.changed.map((file) => file.row),
      rows,
    );
    await this.store.upsertCatalog(batch.touched);

    this.chunksWritten += chunks.length;
    this.chunksReused += rows.filter((row) => typeof row.vector !== 'string').length;
    this.indexed += batch.changed.length;
    this.unchanged += batch.touched.length;
    this.filesDone += batch.changed.length + batch.touched.length + batch.unreadable.length + batch.skipped;
    this.report('writing');
  }

  /** The static table's vectors of these chunks, by chunk id; none without a table. */
  private async staticVectors(chunks: readonly Chunk[]): Promise<Map<string, Float32Array>> {
    const embedder = this.models.staticEmbedder;
    if (!embedder || chunks.length === 0) return new Map();
    const vectors = await embedder.embed(
      chunks.map((chunk) => chunk.text),
      this.controls.signal,
    );
    return new Map(chunks.map((chunk, i) => [chunk.id, vectors[i]]));
  }

  private countSkip(reason: string): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
  }

  private report(phase: IndexProgress['phase'], path?: string): void {
    this.controls.onProgress?.({
      phase,
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      chunks: this.chunksWritten,
      skipped: Object.values(this.skipped).reduce((sum, n) => sum + n, 0),
      keywordReady: this.keywordReady,
      vectors: { ...this.vectors },
      path,
    });
  }
}

function sliceBatches<T>(items: T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}
