// The compact catalogue-vector file: written by `tacit embed-catalog`, read by the worker.
//
// Layout (all integers and floats little-endian):
//   8 bytes   magic "TACITVEC"
//   uint32    format version (VEC_FILE_VERSION)
//   uint32    header length in bytes
//   bytes     UTF-8 JSON header { modelId, dim, count, ids, contentHashes }
//   0–3 bytes zero padding so the scales start at a multiple of 4
//   float32   scales[count]       (row i dequantizes as data[i*dim + k] * scales[i])
//   int8      data[count * dim]
//   version 2 only: zero or more self-describing sections, each starting at a multiple of 4:
//     uint32    section header length S
//     S bytes   UTF-8 JSON { "kind": string, "bytes": payload length, ...kind-specific fields }
//     0–3 bytes zero padding, then `bytes` bytes of payload, then 0–3 bytes zero padding
//
// Nothing follows the rows (version 1) or the last section (version 2); any extra or missing byte is an
// error, so a file cut short by a network error never decodes into silently wrong vectors. A file without
// sections is written as version 1, so readers that predate sections still read it; a reader skips (and
// keeps, in `sections`) the kinds it does not know. Kinds so far: "words" (a shop's own word vectors,
// core/catalog-words.ts; see wordsSection / readWordsSection below).
//
// Rows are unit vectors quantized with quantizeRow (vectors.ts). The simplest
// writer: m = VectorMatrix.fromRows(embeddings); encodeVecFile({ modelId, dim,
// count, ids, contentHashes, scales: m.scales, data: m.data }); and the reader:
// new VectorMatrix(file.dim, file.count, file.data, file.scales).

export const VEC_FILE_MAGIC = 'TACITVEC';
/** The newest version this build reads and writes (1: rows only; 2: rows and sections). */
export const VEC_FILE_VERSION = 2;

const MAGIC_BYTES = new TextEncoder().encode(VEC_FILE_MAGIC);
/** magic + version + header length */
const PREAMBLE_BYTES = MAGIC_BYTES.length + 4 + 4;

export interface VecFile {
  modelId: string;
  dim: number;
  count: number;
  /** Catalogue item id of each row. */
  ids: string[];
  /** contentHash(itemText(item)) of each row (see hash.ts), to tell stale rows from fresh ones. */
  contentHashes: string[];
  /** Per-row dequantization scale, length `count`. */
  scales: Float32Array;
  /** Row-major int8 vectors, length `count * dim`. */
  data: Int8Array;
  /** Extra data after the rows, in file order (version 2). */
  sections?: VecSection[];
}

/** One self-describing section: its kind, its JSON fields and its binary payload. */
export interface VecSection {
  kind: string;
  /** The section header's other JSON fields (besides kind and bytes). */
  meta: Record<string, unknown>;
  payload: Uint8Array;
}

export class VecFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VecFileError';
  }
}

function padTo4(n: number): number {
  return (4 - (n % 4)) % 4;
}

/** Checks the shape of everything except the numeric payloads; throws VecFileError. */
function checkShape(h: {
  modelId: unknown;
  dim: unknown;
  count: unknown;
  ids: unknown;
  contentHashes: unknown;
}): void {
  if (typeof h.modelId !== 'string' || h.modelId === '') {
    throw new VecFileError('vector file: modelId must be a non-empty string');
  }
  if (typeof h.dim !== 'number' || !Number.isInteger(h.dim) || h.dim <= 0) {
    throw new VecFileError(`vector file: dim must be a positive integer, got ${String(h.dim)}`);
  }
  if (typeof h.count !== 'number' || !Number.isInteger(h.count) || h.count < 0) {
    throw new VecFileError(`vector file: count must be a non-negative integer, got ${String(h.count)}`);
  }
  for (const key of ['ids', 'contentHashes'] as const) {
    const list = h[key];
    if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) {
      throw new VecFileError(`vector file: ${key} must be an array of strings`);
    }
    if (list.length !== h.count) {
      throw new VecFileError(
        `vector file: lengths disagree: ${key} has ${list.length} entries but count is ${h.count}`,
      );
    }
  }
  const seen = new Set<string>();
  for (const id of h.ids as string[]) {
    if (seen.has(id)) throw new VecFileError(`vector file: duplicate id "${id}"`);
    seen.add(id);
  }
}

/** Serializes a vector file. Throws VecFileError if the parts disagree in length. */
export function encodeVecFile(file: VecFile): Uint8Array {
  checkShape(file);
  const { modelId, dim, count, ids, contentHashes, scales, data } = file;
  if (scales.length !== count) {
    throw new VecFileError(`vector file: lengths disagree: ${scales.length} scales for ${count} rows`);
  }
  if (data.length !== count * dim) {
    throw new VecFileError(
      `vector file: lengths disagree: ${data.length} int8 values, expected count × dim = ${count * dim}`,
    );
  }
  const header = new TextEncoder().encode(JSON.stringify({ modelId, dim, count, ids, contentHashes }));
  const scalesOffset = PREAMBLE_BYTES + header.length + padTo4(PREAMBLE_BYTES + header.length);
  const dataOffset = scalesOffset + count * 4;
  const rowsEnd = dataOffset + count * dim;
  const sections = (file.sections ?? []).map((section) => {
    if (typeof section.kind !== 'string' || section.kind === '') throw new VecFileError('vector file: a section needs a kind');
    const head = new TextEncoder().encode(JSON.stringify({ ...section.meta, kind: section.kind, bytes: section.payload.length }));
    return { head, payload: section.payload };
  });
  let end = rowsEnd;
  const placed = sections.map((section) => {
    const start = end + padTo4(end);
    const payloadStart = start + 4 + section.head.length + padTo4(start + 4 + section.head.length);
    end = payloadStart + section.payload.length;
    return { ...section, start, payloadStart };
  });
  const out = new Uint8Array(end + (placed.length > 0 ? padTo4(end) : 0));
  const view = new DataView(out.buffer);
  out.set(MAGIC_BYTES, 0);
  view.setUint32(MAGIC_BYTES.length, placed.length > 0 ? 2 : 1, true);
  view.setUint32(MAGIC_BYTES.length + 4, header.length, true);
  out.set(header, PREAMBLE_BYTES);
  for (let i = 0; i < count; i++) view.setFloat32(scalesOffset + i * 4, scales[i], true);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.length), dataOffset);
  for (const section of placed) {
    view.setUint32(section.start, section.head.length, true);
    out.set(section.head, section.start + 4);
    out.set(section.payload, section.payloadStart);
  }
  return out;
}

/**
 * Parses a vector file. Throws VecFileError naming what is wrong: bad magic,
 * unsupported version, header not JSON, lengths disagree, truncated.
 * `data` is a view over `bytes` (no copy of the large part); `scales` is a copy.
 */
export function decodeVecFile(input: Uint8Array | ArrayBuffer): VecFile {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length < PREAMBLE_BYTES) {
    throw new VecFileError(`vector file truncated: ${bytes.length} bytes is shorter than the ${PREAMBLE_BYTES}-byte preamble`);
  }
  for (let i = 0; i < MAGIC_BYTES.length; i++) {
    if (bytes[i] !== MAGIC_BYTES[i]) {
      throw new VecFileError(`not a Tacit vector file: bad magic (expected "${VEC_FILE_MAGIC}")`);
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(MAGIC_BYTES.length, true);
  if (version !== 1 && version !== 2) {
    throw new VecFileError(
      `unsupported vector file version ${version} (this build reads version ${VEC_FILE_VERSION}); re-run tacit embed-catalog`,
    );
  }
  const headerLength = view.getUint32(MAGIC_BYTES.length + 4, true);
  if (PREAMBLE_BYTES + headerLength > bytes.length) {
    throw new VecFileError(
      `vector file truncated: header says ${headerLength} bytes but only ${bytes.length - PREAMBLE_BYTES} follow`,
    );
  }
  let header: Record<string, unknown>;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(
      bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength),
    );
    header = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new VecFileError(`vector file header is not JSON: ${(err as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new VecFileError('vector file header is not a JSON object');
  }
  checkShape(header as Parameters<typeof checkShape>[0]);
  const modelId = header.modelId as string;
  const dim = header.dim as number;
  const count = header.count as number;
  const scalesOffset = PREAMBLE_BYTES + headerLength + padTo4(PREAMBLE_BYTES + headerLength);
  const dataOffset = scalesOffset + count * 4;
  const expected = dataOffset + count * dim;
  if (bytes.length < expected) {
    throw new VecFileError(
      `vector file truncated: ${bytes.length} bytes, expected ${expected} for ${count} rows × ${dim} dims`,
    );
  }
  const sections = version === 2 ? decodeSections(bytes, view, expected) : [];
  if (version === 1 && bytes.length > expected) {
    throw new VecFileError(
      `vector file lengths disagree: ${bytes.length - expected} unexpected bytes after ${count} rows × ${dim} dims`,
    );
  }
  const scales = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const s = view.getFloat32(scalesOffset + i * 4, true);
    if (!Number.isFinite(s) || s < 0) {
      throw new VecFileError(`vector file: scale of row ${i} ("${(header.ids as string[])[i]}") is not a non-negative number`);
    }
    scales[i] = s;
  }
  const data = new Int8Array(bytes.buffer, bytes.byteOffset + dataOffset, count * dim);
  return {
    modelId,
    dim,
    count,
    ids: header.ids as string[],
    contentHashes: header.contentHashes as string[],
    scales,
    data,
    ...(version === 2 ? { sections } : {}),
  };
}

/** The sections after the rows, up to the end of the file; throws on any inconsistency. */
function decodeSections(bytes: Uint8Array, view: DataView, rowsEnd: number): VecSection[] {
  const sections: VecSection[] = [];
  let at = rowsEnd + padTo4(rowsEnd);
  if (at > bytes.length) throw new VecFileError('vector file truncated before its first section');
  while (at < bytes.length) {
    if (at + 4 > bytes.length) throw new VecFileError(`vector file truncated in the section starting at byte ${at}`);
    const headLength = view.getUint32(at, true);
    if (at + 4 + headLength > bytes.length) throw new VecFileError(`vector file truncated in the header of the section at byte ${at}`);
    let head: Record<string, unknown>;
    try {
      head = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(at + 4, at + 4 + headLength)));
    } catch (err) {
      throw new VecFileError(`vector file: the section header at byte ${at} is not JSON: ${(err as Error).message}`);
    }
    const { kind, bytes: size, ...meta } = head ?? {};
    if (typeof kind !== 'string' || kind === '' || typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw new VecFileError(`vector file: the section at byte ${at} needs a kind and a byte count`);
    }
    const payloadStart = at + 4 + headLength + padTo4(at + 4 + headLength);
    const payloadEnd = payloadStart + size;
    if (payloadEnd > bytes.length) throw new VecFileError(`vector file truncated: section "${kind}" needs ${size} bytes`);
    sections.push({ kind, meta, payload: bytes.subarray(payloadStart, payloadEnd) });
    at = payloadEnd + padTo4(payloadEnd);
    if (at > bytes.length) throw new VecFileError(`vector file truncated after section "${kind}"`);
  }
  return sections;
}

/** A shop's own word vectors (core/catalog-words.ts), as int8 rows with one scale each. */
export interface VecWords {
  words: readonly string[];
  scales: Float32Array;
  data: Int8Array;
  /** The direction the shop's texts share, projected out of every text vector (unit length, `dim` values). */
  center?: Float32Array;
}

/** The "words" section: meta { words, center? }, payload float32 scales[n] then int8 data[n × dim]. */
export function wordsSection(words: VecWords, dim: number): VecSection {
  const n = words.words.length;
  if (words.scales.length !== n || words.data.length !== n * dim) {
    throw new VecFileError(`vector file: words section has ${n} words but ${words.scales.length} scales and ${words.data.length} values (dim ${dim})`);
  }
  const payload = new Uint8Array(n * 4 + n * dim);
  const view = new DataView(payload.buffer);
  words.scales.forEach((scale, i) => view.setFloat32(i * 4, scale, true));
  payload.set(new Uint8Array(words.data.buffer, words.data.byteOffset, words.data.length), n * 4);
  if (words.center && words.center.length !== dim) throw new VecFileError(`vector file: words section center has ${words.center.length} values, expected ${dim}`);
  return { kind: 'words', meta: { words: words.words, ...(words.center ? { center: Array.from(words.center) } : {}) }, payload };
}

/** The file's words section, if it has one; throws VecFileError when it is malformed. */
export function readWordsSection(file: Pick<VecFile, 'dim' | 'sections'>): VecWords | undefined {
  const section = file.sections?.find((s) => s.kind === 'words');
  if (!section) return undefined;
  const words = section.meta.words;
  if (!Array.isArray(words) || words.some((w) => typeof w !== 'string')) throw new VecFileError('vector file: the words section needs a list of words');
  const n = words.length;
  if (section.payload.length !== n * 4 + n * file.dim) {
    throw new VecFileError(`vector file: the words section holds ${section.payload.length} bytes, expected ${n * (4 + file.dim)} for ${n} words`);
  }
  const view = new DataView(section.payload.buffer, section.payload.byteOffset, section.payload.byteLength);
  const scales = Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true));
  if (scales.some((s) => !Number.isFinite(s) || s < 0)) throw new VecFileError('vector file: a word scale is not a non-negative number');
  const data = new Int8Array(section.payload.buffer, section.payload.byteOffset + n * 4, n * file.dim);
  const center = section.meta.center;
  if (center === undefined) return { words: words as string[], scales, data };
  if (!Array.isArray(center) || center.length !== file.dim || center.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw new VecFileError(`vector file: the words section's center must be ${file.dim} numbers`);
  }
  return { words: words as string[], scales, data, center: Float32Array.from(center as number[]) };
}

/** True when the file was embedded by this model at this dimension (else re-embed). */
export function vecFileMatches(file: Pick<VecFile, 'modelId' | 'dim'>, modelId: string, dim: number): boolean {
  return file.modelId === modelId && file.dim === dim;
}
