import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTextFile, walkWorkspace } from '../../src/core/files';
import { findSecret, isSecretPath } from '../../src/core/files/secrets';
import { loadIndexerModels, type IndexerModels } from '../../src/core/indexer/models';
import { syncIndex } from '../../src/core/indexer/sync';
import { ChunkStore } from '../../src/core/store/chunk-store';
import { testModels } from '../support/models';
import { makeTempDir, writeTree } from '../support/temp-dir';

// Every credential here is made up on the spot: random characters in each format's shape.
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function random(length: number, alphabet = ALNUM): string {
  const text = [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
  // Real keys mix letters and digits; make sure a short draw does too.
  return alphabet === ALNUM ? `${text.slice(0, -2)}q7` : text;
}
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const accessKey = () => `AKIA${random(16, UPPER)}`;
const secretKey = () => random(40, `${ALNUM}/+`);
const pemBody = () => Array.from({ length: 6 }, () => random(64, `${ALNUM}/+`)).join('\n');
const privateKey = (label = 'RSA PRIVATE KEY') => `-----BEGIN ${label}-----\n${pemBody()}\n-----END ${label}-----\n`;

/** Credential files, named as the tools that write them name them. */
function credentialFiles(): Record<string, string> {
  return {
    '.aws/credentials': `[default]\naws_access_key_id = ${accessKey()}\naws_secret_access_key = ${secretKey()}\n`,
    'deploy/service-account.json': JSON.stringify({
      type: 'service_account',
      project_id: 'demo',
      private_key_id: random(40),
      private_key: privateKey('PRIVATE KEY'),
    }),
    '.docker/config.json': JSON.stringify({
      auths: { 'registry.example.com': { auth: Buffer.from(`me:${random(24)}`).toString('base64') } },
    }),
    'ops/kubeconfig': `apiVersion: v1\nusers:\n- name: admin\n  user:\n    token: ${random(48)}\n`,
    '.kube/config': `apiVersion: v1\nusers:\n- name: admin\n  user:\n    client-key-data: ${random(80)}\n`,
    '.pgpass': `db.example.com:5432:app:app:${random(20)}\n`,
    '.htpasswd': `admin:$apr1$${random(8)}$${random(22)}\n`,
    'infra/terraform.tfstate': JSON.stringify({
      version: 4,
      resources: [{ type: 'aws_db_instance', instances: [{ attributes: { password: random(24) } }] }],
    }),
    'config/prod.env': `DATABASE_URL=postgres://app:${random(20)}@db/app\n`,
    '.env': `SECRET=${random(30)}\n`,
    'keys/id_ed25519': privateKey('OPENSSH PRIVATE KEY'),
  };
}

/** Ordinary files with a secret inside. */
function filesWithSecrets(): Record<string, string> {
  return {
    'src/deploy.ts': `export const deployKey = \`${privateKey('EC PRIVATE KEY')}\`;\nexport function deploy() {}\n`,
    'settings.py': `DEBUG = False\nAWS_ACCESS_KEY_ID = "${accessKey()}"\n`,
    'src/client.go': `package client\n\nconst apiKey = "${random(36)}"\n\nfunc Call() {}\n`,
    'docs/setup.md': `# Setup\n\nUse the token ghp_${random(36)} to clone.\n`,
    'app/config.yaml': `stripe:\n  key: sk_live_${random(24)}\n`,
    'scripts/upload.sh': `#!/bin/sh\nexport CLIENT_SECRET=${random(32)}\ncurl -X POST https://example.com\n`,
  };
}

/** Files that talk about secrets without holding one: they must still be indexed. */
function innocentFiles(): Record<string, string> {
  return {
    'src/auth.ts': [
      'const password = process.env.DB_PASSWORD;',
      "const TOKEN_HEADER = 'X-Auth-Token';",
      "const passwordFieldName = 'user_password_confirmation';",
      'export function checkToken(token: string): boolean { return token.length > 0; }',
    ].join('\n'),
    '.env.example': 'API_KEY=changeme\nDATABASE_URL=postgres://localhost/dev\n',
    'docs/aws.md': 'Set `aws_access_key_id = AKIAIOSFODNN7EXAMPLE` (the documentation example).\n',
    'src/secrets.ts': 'export function loadSecrets() { return {}; }\n',
  };
}

describe('secrets are never read', () => {
  let root: string;
  let dbDir: string;
  let cleanup: () => Promise<void>;
  let models: IndexerModels;

  beforeAll(async () => {
    const temp = await makeTempDir();
    cleanup = temp.cleanup;
    root = path.join(temp.dir, 'repo');
    dbDir = path.join(temp.dir, 'index');
    await writeTree(root, { ...credentialFiles(), ...filesWithSecrets(), ...innocentFiles() });
    models = await loadIndexerModels({ modelsDir: testModels().modelsDir });
  });
  afterAll(async () => {
    await models?.embedder.dispose();
    await cleanup?.();
  });

  it('knows credential files by name or place, and secrets inside ordinary files by content', async () => {
    for (const file of Object.keys(credentialFiles()).filter((f) => f !== 'deploy/service-account.json')) {
      expect(isSecretPath(file), file).toBe(true);
    }
    for (const [file, text] of Object.entries(filesWithSecrets())) {
      expect(isSecretPath(file), file).toBe(false);
      expect(findSecret(text), file).toBeDefined();
    }
    for (const [file, text] of Object.entries(innocentFiles())) {
      expect(isSecretPath(file) || findSecret(text), file).toBeFalsy();
    }
    const read = await readTextFile(path.join(root, 'deploy/service-account.json'));
    expect(read).toMatchObject({ skipped: 'secret', detail: 'private key' });
  });

  it('indexes none of them, reports each under skipped, and a query for credentials finds none of them', async () => {
    const walk = await walkWorkspace(root, {});
    const secretCount = Object.keys(credentialFiles()).length + Object.keys(filesWithSecrets()).length;
    const summary = await syncIndex({ root, dbDir }, models);
    expect(summary.files.skipped.secret).toBe(secretCount);
    expect(summary.files.indexed).toBe(Object.keys(innocentFiles()).length);
    expect(walk.skipped.filter((skip) => skip.reason === 'secret').length).toBeGreaterThan(0);

    const store = await ChunkStore.openForRead(dbDir, summary);
    try {
      const indexed = [...(await store.catalog()).keys()].sort();
      expect(indexed).toEqual(Object.keys(innocentFiles()).sort());
      const hits = await store.searchKeywords('aws_secret_access_key private_key password token BEGIN PRIVATE KEY', 50);
      expect(hits.every((hit) => Object.keys(innocentFiles()).includes(hit.chunk.path))).toBe(true);
    } finally {
      store.close();
    }
  });
});
