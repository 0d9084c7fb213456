// The compact binary of a static embedding model: vocabulary, token → row map, per-row scales and int8
// rows, in one file that needs no protobuf, no JSON tokenizer and no runtime to use.
//
// Layout (all numbers little-endian):
//   8 bytes   magic "TACITSEM"
//   uint32    format version (STATIC_MODEL_VERSION)
//   uint32    header length H
//   H bytes   UTF-8 JSON header (StaticModelHeader): model id, dimension, tokenizer settings, and where
//             each section lies: { offset, bytes } from the start of the file
//   sections, each starting at a multiple of 64 bytes (so typed-array views and ONNX external data
//   can point straight into the file), zero padding between them:
//     vocab        UTF-8 token strings joined by "\n" (no token contains a newline)
//     rowOfToken   int32[tokens]      embedding row of each token id
//     scales       float32[rows]      row r dequantizes as int8[r][k] * scales[r]
//     table        int8[rows × dim]
//   Nothing follows the last section.
//
// The same file is the external data of the model's ONNX export (onnx/model_quantized.onnx points its
// row_of_token, embedding_scale and embedding_int8 initializers at these sections), so the weights are
// stored once for both runtimes.

export const STATIC_MODEL_MAGIC = 'TACITSEM';
export const STATIC_MODEL_VERSION = 1;
export const STATIC_SECTION_ALIGN = 64;

const MAGIC_BYTES = new TextEncoder().encode(STATIC_MODEL_MAGIC);
const PREAMBLE_BYTES = MAGIC_BYTES.length + 8;

export interface Section {
  offset: number;
  bytes: number;
}

export interface StaticModelHeader {
  modelId: string;
  dim: number;
  tokens: number;
  rows: number;
  /** Rows from this one on are subword pieces (unknown words are spelled from them); before it, words. */
  firstPieceRow?: number;
  /** Tokenizer settings (BERT WordPiece; see wordpiece.ts). */
  tokenizer: {
    unkToken: string;
    clsToken: string;
    sepToken: string;
    specialTokens: string[];
    maxLength: number;
    continuationPrefix: string;
    maxInputCharsPerWord: number;
  };
  sections: { vocab: Section; rowOfToken: Section; scales: Section; table: Section };
}

export interface StaticModel {
  header: StaticModelHeader;
  vocab: string[];
  rowOfToken: Int32Array;
  scales: Float32Array;
  table: Int8Array;
}

export class StaticModelError extends Error {
  override name = 'StaticModelError';
}

const alignUp = (n: number) => Math.ceil(n / STATIC_SECTION_ALIGN) * STATIC_SECTION_ALIGN;

/** Serializes a model; `header.sections` is filled in here (the given value is ignored). */
export function encodeStaticModel(model: Omit<StaticModel, 'header'> & { header: Omit<StaticModelHeader, 'sections'> }): { bytes: Uint8Array; header: StaticModelHeader } {
  const { vocab, rowOfToken, scales, table } = model;
  const { dim, tokens, rows } = model.header;
  if (vocab.length !== tokens || rowOfToken.length !== tokens) throw new StaticModelError(`static model: ${vocab.length} tokens / ${rowOfToken.length} rows of token for ${tokens} tokens`);
  if (scales.length !== rows || table.length !== rows * dim) throw new StaticModelError(`static model: table ${table.length} / scales ${scales.length} do not fit ${rows} × ${dim}`);
  if (vocab.some((t) => t.includes('\n'))) throw new StaticModelError('static model: a token contains a newline');
  for (const row of rowOfToken) if (row < 0 || row >= rows) throw new StaticModelError(`static model: row ${row} out of range`);
  const vocabBytes = new TextEncoder().encode(vocab.join('\n'));

  // The header holds the offsets, whose values depend on the header's length: grow until stable.
  let header!: StaticModelHeader;
  let headerBytes = new Uint8Array(0);
  for (let reserved = 0; ; ) {
    let offset = alignUp(PREAMBLE_BYTES + reserved);
    const place = (bytes: number): Section => {
      const section = { offset, bytes };
      offset = alignUp(offset + bytes);
      return section;
    };
    const sections = { vocab: place(vocabBytes.length), rowOfToken: place(tokens * 4), scales: place(rows * 4), table: place(rows * dim) };
    header = { ...model.header, sections };
    headerBytes = new TextEncoder().encode(JSON.stringify(header));
    if (headerBytes.length <= reserved) break;
    reserved = headerBytes.length;
  }
  const { sections } = header;
  const out = new Uint8Array(sections.table.offset + sections.table.bytes);
  const view = new DataView(out.buffer);
  out.set(MAGIC_BYTES, 0);
  view.setUint32(MAGIC_BYTES.length, STATIC_MODEL_VERSION, true);
  view.setUint32(MAGIC_BYTES.length + 4, headerBytes.length, true);
  out.set(headerBytes, PREAMBLE_BYTES);
  out.set(vocabBytes, sections.vocab.offset);
  rowOfToken.forEach((row, i) => view.setInt32(sections.rowOfToken.offset + i * 4, row, true));
  scales.forEach((scale, i) => view.setFloat32(sections.scales.offset + i * 4, scale, true));
  out.set(new Uint8Array(table.buffer, table.byteOffset, table.length), sections.table.offset);
  return { bytes: out, header };
}

/** Parses a model file; throws StaticModelError naming what is wrong. The table is a view over `input`. */
export function decodeStaticModel(input: Uint8Array | ArrayBuffer): StaticModel {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length < PREAMBLE_BYTES || MAGIC_BYTES.some((b, i) => bytes[i] !== b)) {
    throw new StaticModelError(`not a Tacit static model: bad magic (expected "${STATIC_MODEL_MAGIC}")`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(MAGIC_BYTES.length, true);
  if (version !== STATIC_MODEL_VERSION) throw new StaticModelError(`unsupported static model version ${version} (this build reads ${STATIC_MODEL_VERSION})`);
  const headerLength = view.getUint32(MAGIC_BYTES.length + 4, true);
  if (PREAMBLE_BYTES + headerLength > bytes.length) throw new StaticModelError('static model truncated inside its header');
  let header: StaticModelHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)));
  } catch (error) {
    throw new StaticModelError(`static model header is not JSON: ${(error as Error).message}`);
  }
  const { dim, tokens, rows, sections } = header ?? ({} as StaticModelHeader);
  for (const [name, value] of Object.entries({ dim, tokens, rows })) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new StaticModelError(`static model: ${name} must be a positive integer`);
  }
  const expected = { vocab: -1, rowOfToken: tokens * 4, scales: rows * 4, table: rows * dim };
  let end = 0;
  for (const [name, size] of Object.entries(expected)) {
    const s = sections?.[name as keyof typeof expected];
    if (!s || !Number.isSafeInteger(s.offset) || !Number.isSafeInteger(s.bytes) || s.offset % STATIC_SECTION_ALIGN !== 0 || (size >= 0 && s.bytes !== size)) {
      throw new StaticModelError(`static model: section ${name} is missing or has the wrong size`);
    }
    if (s.offset < end) throw new StaticModelError(`static model: section ${name} overlaps the one before`);
    end = s.offset + s.bytes;
  }
  if (end !== bytes.length) {
    throw new StaticModelError(end > bytes.length ? `static model truncated: ${bytes.length} bytes, expected ${end}` : `static model: ${bytes.length - end} unexpected bytes at the end`);
  }
  const vocab = new TextDecoder().decode(bytes.subarray(sections.vocab.offset, sections.vocab.offset + sections.vocab.bytes)).split('\n');
  if (vocab.length !== tokens) throw new StaticModelError(`static model: vocabulary has ${vocab.length} tokens, header says ${tokens}`);
  const rowOfToken = new Int32Array(tokens);
  for (let i = 0; i < tokens; i++) {
    const row = view.getInt32(sections.rowOfToken.offset + i * 4, true);
    if (row < 0 || row >= rows) throw new StaticModelError(`static model: token ${i} points at row ${row} of ${rows}`);
    rowOfToken[i] = row;
  }
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) scales[r] = view.getFloat32(sections.scales.offset + r * 4, true);
  const table = new Int8Array(bytes.buffer, bytes.byteOffset + sections.table.offset, rows * dim);
  return { header, vocab, rowOfToken, scales, table };
}
