import { promises as fs } from 'node:fs';

/** GGUF value types (the format's numbering). */
enum ValueType {
  Uint8 = 0,
  Int8 = 1,
  Uint16 = 2,
  Int16 = 3,
  Uint32 = 4,
  Int32 = 5,
  Float32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  Uint64 = 10,
  Int64 = 11,
  Float64 = 12,
}

const FIXED_SIZES: Partial<Record<ValueType, number>> = {
  [ValueType.Uint8]: 1,
  [ValueType.Int8]: 1,
  [ValueType.Bool]: 1,
  [ValueType.Uint16]: 2,
  [ValueType.Int16]: 2,
  [ValueType.Uint32]: 4,
  [ValueType.Int32]: 4,
  [ValueType.Float32]: 4,
  [ValueType.Uint64]: 8,
  [ValueType.Int64]: 8,
  [ValueType.Float64]: 8,
};

/** Adapters keep their metadata in the first kilobytes; a model's tokenizer arrays are skipped unread. */
const HEAD_BYTES = 1024 * 1024;

/**
 * The string and number metadata at the start of a GGUF file (general.architecture, general.type,
 * …); arrays are skipped. Undefined when the file is not GGUF.
 */
export async function readGgufMetadata(file: string): Promise<Map<string, string | number | boolean> | undefined> {
  const handle = await fs.open(file, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head.length < 24 || head.toString('latin1', 0, 4) !== 'GGUF') return undefined;
  const metadata = new Map<string, string | number | boolean>();
  const kvCount = Number(head.readBigUInt64LE(16));
  let offset = 24;
  try {
    for (let i = 0; i < kvCount; i++) {
      const key = readString(head, offset);
      offset = key.end;
      const type = head.readUInt32LE(offset) as ValueType;
      offset += 4;
      const value = readValue(head, offset, type);
      offset = value.end;
      if (value.value !== undefined) metadata.set(key.value, value.value);
    }
  } catch (error) {
    // Metadata running past the bytes read: what was read is still good.
    if (!(error instanceof RangeError)) throw error;
  }
  return metadata;
}

function readString(buffer: Buffer, offset: number): { value: string; end: number } {
  const length = Number(buffer.readBigUInt64LE(offset));
  const end = offset + 8 + length;
  if (end > buffer.length) throw new RangeError('string past the end');
  return { value: buffer.toString('utf8', offset + 8, end), end };
}

function readValue(
  buffer: Buffer,
  offset: number,
  type: ValueType,
): { value?: string | number | boolean; end: number } {
  switch (type) {
    case ValueType.String:
      return readString(buffer, offset);
    case ValueType.Bool:
      return { value: buffer.readUInt8(offset) !== 0, end: offset + 1 };
    case ValueType.Uint8:
      return { value: buffer.readUInt8(offset), end: offset + 1 };
    case ValueType.Int8:
      return { value: buffer.readInt8(offset), end: offset + 1 };
    case ValueType.Uint16:
      return { value: buffer.readUInt16LE(offset), end: offset + 2 };
    case ValueType.Int16:
      return { value: buffer.readInt16LE(offset), end: offset + 2 };
    case ValueType.Uint32:
      return { value: buffer.readUInt32LE(offset), end: offset + 4 };
    case ValueType.Int32:
      return { value: buffer.readInt32LE(offset), end: offset + 4 };
    case ValueType.Float32:
      return { value: buffer.readFloatLE(offset), end: offset + 4 };
    case ValueType.Uint64:
      return { value: Number(buffer.readBigUInt64LE(offset)), end: offset + 8 };
    case ValueType.Int64:
      return { value: Number(buffer.readBigInt64LE(offset)), end: offset + 8 };
    case ValueType.Float64:
      return { value: buffer.readDoubleLE(offset), end: offset + 8 };
    case ValueType.Array:
      return { end: skipArray(buffer, offset) };
    default:
      throw new RangeError(`unknown GGUF value type ${type}`);
  }
}

function skipArray(buffer: Buffer, offset: number): number {
  const itemType = buffer.readUInt32LE(offset) as ValueType;
  const count = Number(buffer.readBigUInt64LE(offset + 4));
  let end = offset + 12;
  const size = FIXED_SIZES[itemType];
  if (size !== undefined) return end + count * size;
  for (let i = 0; i < count; i++) end = readValue(buffer, end, itemType).end;
  return end;
}
