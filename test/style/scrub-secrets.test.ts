import { describe, expect, it } from 'vitest';
import { SECRET_PLACEHOLDER as S, scrubSecrets } from '../../src/core/style/dataset/scrub-secrets';

describe('scrubSecrets', () => {
  it('replaces credentials of known shapes', () => {
    const key = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEpAIBAAKCAQEA7', '-----END RSA PRIVATE KEY-----'].join('\n');
    const text = [
      `const pem = \`${key}\`;`,
      'aws = "AKIAABCDEFGHIJKLMNOP"',
      `token: ghp_${'a1B2'.repeat(9)}`,
      `OPENAI = "sk-proj-${'x9'.repeat(12)}"`,
      'db = "postgres://admin:hunter2hunter2@db.local:5432/app"',
    ].join('\n');
    const { text: scrubbed, count } = scrubSecrets(text);
    expect(scrubbed).toBe(
      [
        `const pem = \`${S}\`;`,
        `aws = "${S}"`,
        `token: ${S}`,
        `OPENAI = "${S}"`,
        `db = "postgres://admin:${S}@db.local:5432/app"`,
      ].join('\n'),
    );
    expect(count).toBe(5);
  });

  it('replaces literal values of secret-named settings, keeping the name', () => {
    const { text, count } = scrubSecrets(
      `password = "correct-horse"\n"apiKey": "abcdef123456"\nDB_PASSWORD := 'Tr0ub4dor&3'`,
    );
    expect(text).toBe(`password = "${S}"\n"apiKey": "${S}"\nDB_PASSWORD := '${S}'`);
    expect(count).toBe(3);
  });

  it('leaves code about secrets alone: placeholders, lookups, and names that only contain a secret word', () => {
    const code = [
      'password = os.environ["DB_PASSWORD"]',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style placeholder is what this case scrubs.
      'api_key = "${API_KEY}"',
      'secret = "<your-secret-here>"',
      'tokenizer = "bert-base-uncased"',
      'max_tokens = 1024',
      'password = "short"',
    ].join('\n');
    expect(scrubSecrets(code)).toEqual({ text: code, count: 0 });
  });
});
