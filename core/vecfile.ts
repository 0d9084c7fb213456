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
//   optional sections, in the order the header lists them (`sections: [{ name, bytes }]`),
//   each starting at a multiple of 4 (zero padding before it) and `bytes` long
//
// The header names every section and its length, so the file describes itself:
// a reader skips sections it does not know, a file without `sections` (every
// file written before them) decodes as before, and any extra or missing byte is
// still an error, so a file cut short by a network error never decodes into
// silently wrong vectors. Section payloads are defined by their own modules
// (e.g. core/neighbours.ts for "neighbours").
//
// Rows are unit vectors quantized with quantizeRow (vectors.ts). The simplest
// writer: m = VectorMatrix.fromRows(embeddings); encodeVecFile({ modelId, dim,
// count, ids, contentHashes, scales: m.scales, data: m.data }); and the reader:
// new VectorMatrix(file.dim, file.count, file.data, file.scales).

export const VEC_FILE_MAGIC = 'TACITVEC';
export const VEC_FILE_VERSION = 1;

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
  /** Optional named payloads after the rows (views into the file when decoded). */
  sections?: Record<string, Uint8Array>;
}

const SECTION_NAME = /^[a-z][a-z0-9-]{0,31}$/;

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
  const sections = Object.entries(file.sections ?? {});
  for (const [name] of sections) {
    if (!SECTION_NAME.test(name)) throw new VecFileError(`vector file: bad section name "${name}" (a-z, 0-9, '-')`);
  }
  const headerJson: Record<string, unknown> = { modelId, dim, count, ids, contentHashes };
  if (sections.length > 0) headerJson.sections = sections.map(([name, bytes]) => ({ name, bytes: bytes.length }));
  const header = new TextEncoder().encode(JSON.stringify(headerJson));
  const scalesOffset = PREAMBLE_BYTES + header.length + padTo4(PREAMBLE_BYTES + header.length);
  const dataOffset = scalesOffset + count * 4;
  let end = dataOffset + count * dim;
  const sectionOffsets = sections.map(([, bytes]) => {
    const at = end + padTo4(end);
    end = at + bytes.length;
    return at;
  });
  const out = new Uint8Array(end);
  const view = new DataView(out.buffer);
  out.set(MAGIC_BYTES, 0);
  view.setUint32(MAGIC_BYTES.length, VEC_FILE_VERSION, true);
  view.setUint32(MAGIC_BYTES.length + 4, header.length, true);
  out.set(header, PREAMBLE_BYTES);
  for (let i = 0; i < count; i++) view.setFloat32(scalesOffset + i * 4, scales[i], true);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.length), dataOffset);
  sections.forEach(([, bytes], k) => out.set(bytes, sectionOffsets[k]));
  return out;
}

/** The header's optional section list, checked; [] when absent. */
function sectionList(raw: unknown): { name: string; bytes: number }[] {
  if (raw === undefined) return [];
  const ok =
    Array.isArray(raw) &&
    raw.every(
      (s) =>
        s !== null &&
        typeof s === 'object' &&
        typeof s.name === 'string' &&
        SECTION_NAME.test(s.name) &&
        Number.isInteger(s.bytes) &&
        s.bytes >= 0,
    );
  if (!ok) throw new VecFileError('vector file: sections must be a list of { name, bytes }');
  const list = raw as { name: string; bytes: number }[];
  if (new Set(list.map((s) => s.name)).size !== list.length) throw new VecFileError('vector file: a section is listed twice');
  return list;
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
  if (version !== VEC_FILE_VERSION) {
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
  const listed = sectionList(header.sections);
  let expected = dataOffset + count * dim;
  const sectionOffsets = listed.map((s) => {
    const at = expected + padTo4(expected);
    expected = at + s.bytes;
    return at;
  });
  const what = `${count} rows × ${dim} dims` + (listed.length ? ` and ${listed.length} section(s)` : '');
  if (bytes.length < expected) {
    throw new VecFileError(`vector file truncated: ${bytes.length} bytes, expected ${expected} for ${what}`);
  }
  if (bytes.length > expected) {
    throw new VecFileError(`vector file lengths disagree: ${bytes.length - expected} unexpected bytes after ${what}`);
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
  const file: VecFile = {
    modelId,
    dim,
    count,
    ids: header.ids as string[],
    contentHashes: header.contentHashes as string[],
    scales,
    data,
  };
  if (listed.length > 0) {
    file.sections = Object.fromEntries(listed.map((s, k) => [s.name, bytes.subarray(sectionOffsets[k], sectionOffsets[k] + s.bytes)]));
  }
  return file;
}

/** True when the file was embedded by this model at this dimension (else re-embed). */
export function vecFileMatches(file: Pick<VecFile, 'modelId' | 'dim'>, modelId: string, dim: number): boolean {
  return file.modelId === modelId && file.dim === dim;
}
