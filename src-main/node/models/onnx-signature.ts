/**
 * Reads the graph inputs and outputs (names, element types, shapes) of an .onnx file without loading the
 * weights: the registry lists and recognises models in milliseconds, even a 200 MB LaMa export, and a
 * corrupt file is reported before any inference session is created. The protobuf wire format is walked
 * with positioned reads, skipping the large fields (initializers, node lists).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { badInput } from '../../core/errors.js';

/** ONNX TensorProto.DataType values we name; others print as their number. */
const ELEM_TYPES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool',
  10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 16: 'bfloat16',
};

/** One graph input or output: a dimension is a number when fixed, a symbol name (or null) when dynamic. */
export interface TensorSignature {
  name: string;
  dtype: string;
  shape: (number | string | null)[] | null;
}

/** Everything the registry needs to recognise a model's contract. */
export interface OnnxSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

class Reader {
  private block = Buffer.alloc(0);
  private blockStart = 0;
  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  async byteAt(pos: number): Promise<number> {
    if (pos < this.blockStart || pos >= this.blockStart + this.block.length) {
      if (pos >= this.size) throw new Error('unexpected end of file');
      const len = Math.min(64 * 1024, this.size - pos);
      const buf = Buffer.alloc(len);
      const { bytesRead } = await this.fh.read(buf, 0, len, pos);
      this.block = buf.subarray(0, bytesRead);
      this.blockStart = pos;
      if (bytesRead === 0) throw new Error('unexpected end of file');
    }
    return this.block[pos - this.blockStart]!;
  }

  async bytes(pos: number, len: number): Promise<Buffer> {
    if (pos + len > this.size) throw new Error('field runs past the end of the file');
    const buf = Buffer.alloc(len);
    await this.fh.read(buf, 0, len, pos);
    return buf;
  }

  async varint(pos: number): Promise<[number, number]> {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = await this.byteAt(pos + i);
      result += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) return [result, pos + i + 1];
    }
    throw new Error('malformed varint');
  }
}

interface Field {
  num: number;
  wire: number;
  /** varint value, or the length of a length-delimited field */
  value: number;
  /** start of a length-delimited payload */
  start: number;
  end: number;
}

/** Iterates the fields of a message that occupies [start, end). */
async function* fields(r: Reader, start: number, end: number): AsyncGenerator<Field> {
  let pos = start;
  while (pos < end) {
    const [key, p1] = await r.varint(pos);
    const num = Math.floor(key / 8);
    const wire = key % 8;
    if (num === 0) throw new Error('field number 0');
    let value = 0;
    let next: number;
    let payload = p1;
    switch (wire) {
      case 0:
        [value, next] = await r.varint(p1);
        break;
      case 1:
        next = p1 + 8;
        break;
      case 2: {
        const [len, p2] = await r.varint(p1);
        value = len;
        payload = p2;
        next = p2 + len;
        break;
      }
      case 5:
        next = p1 + 4;
        break;
      default:
        throw new Error(`unsupported wire type ${wire}`);
    }
    if (next > end) throw new Error('field runs past the end of its message');
    yield { num, wire, value, start: payload, end: next };
    pos = next;
  }
}

async function readValueInfo(r: Reader, f: Field): Promise<TensorSignature> {
  let name = '';
  let dtype = 'unknown';
  let shape: TensorSignature['shape'] = null;
  for await (const v of fields(r, f.start, f.end)) {
    if (v.num === 1 && v.wire === 2) name = (await r.bytes(v.start, v.value)).toString('utf8');
    if (v.num === 2 && v.wire === 2) {
      for await (const t of fields(r, v.start, v.end)) {
        if (t.num !== 1 || t.wire !== 2) continue; // tensor_type
        for await (const tt of fields(r, t.start, t.end)) {
          if (tt.num === 1 && tt.wire === 0) dtype = ELEM_TYPES[tt.value] ?? `type${tt.value}`;
          if (tt.num === 2 && tt.wire === 2) {
            shape = [];
            for await (const d of fields(r, tt.start, tt.end)) {
              if (d.num !== 1 || d.wire !== 2) continue;
              let dim: number | string | null = null;
              for await (const dv of fields(r, d.start, d.end)) {
                if (dv.num === 1 && dv.wire === 0) dim = dv.value;
                if (dv.num === 2 && dv.wire === 2) dim = (await r.bytes(dv.start, dv.value)).toString('utf8');
              }
              shape.push(dim);
            }
          }
        }
      }
    }
  }
  return { name, dtype, shape };
}

/**
 * Returns the graph inputs (excluding initializers listed as inputs by old exporters) and outputs.
 * A file that is not a readable ONNX model is a bad-input error naming it.
 */
export async function readOnnxSignature(path: string): Promise<OnnxSignature> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw badInput(path, code === 'ENOENT' ? 'model file not found' : `cannot open model file (${code})`, e);
  }
  try {
    const size = (await fh.stat()).size;
    if (size === 0) throw badInput(path, 'model file is empty (0 bytes)');
    const r = new Reader(fh, size);
    const inputs: TensorSignature[] = [];
    const outputs: TensorSignature[] = [];
    const initializers = new Set<string>();
    let hasGraph = false;
    let hasIrVersion = false;
    try {
      for await (const m of fields(r, 0, size)) {
        if (m.num === 1 && m.wire === 0) hasIrVersion = true;
        if (m.num !== 7 || m.wire !== 2) continue;
        hasGraph = true;
        for await (const g of fields(r, m.start, m.end)) {
          if (g.wire !== 2) continue;
          if (g.num === 11) inputs.push(await readValueInfo(r, g));
          else if (g.num === 12) outputs.push(await readValueInfo(r, g));
          else if (g.num === 5) {
            for await (const t of fields(r, g.start, g.end)) {
              if (t.num === 8 && t.wire === 2) initializers.add((await r.bytes(t.start, t.value)).toString('utf8'));
            }
          }
        }
      }
    } catch (e) {
      throw badInput(path, `not a valid ONNX model (${(e as Error).message})`, e);
    }
    if (!hasGraph || !hasIrVersion || outputs.length === 0) throw badInput(path, 'not a valid ONNX model (no graph found)');
    return { inputs: inputs.filter((i) => !initializers.has(i.name)), outputs };
  } finally {
    await fh.close();
  }
}

/** "image float32 [1,3,512,512]" — for messages that explain why a model was not recognised. */
export function describeSignature(sig: OnnxSignature): string {
  const one = (t: TensorSignature): string =>
    `${t.name} ${t.dtype} [${(t.shape ?? []).map((d) => (d === null ? '?' : String(d))).join(',')}]`;
  return `inputs ${sig.inputs.map(one).join(', ') || 'none'}; outputs ${sig.outputs.map(one).join(', ') || 'none'}`;
}
