/**
 * A GGUF file with metadata and no tensors, laid out as the format says (version 3): enough for
 * what reads only the header, such as Ollama deciding a model's capabilities or an adapter's base.
 * Strings are written as strings, numbers as uint32.
 */
export function ggufWithMetadata(metadata: Record<string, string | number>): Buffer {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  const u64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  const str = (s: string) => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)]);
  const STRING = 8;
  const UINT32 = 4;
  const kvs = Object.entries(metadata).map(([key, value]) =>
    typeof value === 'string'
      ? Buffer.concat([str(key), u32(STRING), str(value)])
      : Buffer.concat([str(key), u32(UINT32), u32(value)]),
  );
  return Buffer.concat([Buffer.from('GGUF'), u32(3), u64(0), u64(kvs.length), ...kvs]);
}
