// The protobuf wire format, as much of it as model/onnx.ts writes: a message is built as a list of byte
// chunks, concatenated once at the end. Deterministic: the caller writes fields in field-number order.

const textEncoder = new TextEncoder();
const TWO_POW_64 = 1n << 64n;

export class MessageWriter {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private varint(value: bigint): void {
    let v = value < 0n ? value + TWO_POW_64 : value; // int64 negatives are 10-byte two's complement
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wireType: 0 | 1 | 2 | 5): void {
    this.varint(BigInt((field << 3) | wireType));
  }

  int(field: number, value: number | bigint): void {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`expected an integer, got ${value}`);
    const v = typeof value === 'bigint' ? value : BigInt(value);
    this.tag(field, 0);
    this.varint(v);
  }

  float(field: number, value: number): void {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.tag(field, 5);
    this.push(bytes);
  }

  bytes(field: number, value: Uint8Array): void {
    this.tag(field, 2);
    this.varint(BigInt(value.length));
    this.push(value);
  }

  string(field: number, value: string): void {
    this.bytes(field, textEncoder.encode(value));
  }

  message(field: number, inner: MessageWriter): void {
    this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    this.chunks.length = 0;
    this.chunks.push(out);
    return out;
  }
}
