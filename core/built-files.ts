// The names Tacit's files are served under. The build gives every file a shop serves a content-hashed
// name (so it can be cached forever), except the entry tacit.js that the snippet points at; the worker,
// ORT's runtime and the model files are then found through this table, which the build embeds
// (vite.config.ts `define`): the SDK's table names the worker, the worker's names ORT's files and the
// models. Keys and names are paths relative to the folder tacit.js is served from.
//
// Run from source (unit tests, Node, a bundler without our config) the table is empty and every file
// keeps its own name.

export interface BuiltFile {
  /** The served path, e.g. 'ort/ort-wasm-simd-threaded-Cq3x9bTe.wasm'. */
  file: string;
  /** Uncompressed size in bytes (the wire may carry it compressed). */
  bytes: number;
}

declare const __TACIT_BUILT_FILES__: Record<string, BuiltFile> | undefined;

const TABLE: Record<string, BuiltFile> = typeof __TACIT_BUILT_FILES__ === 'object' ? __TACIT_BUILT_FILES__ : {};

/** The served path of `name` (e.g. 'worker.js' → 'worker-B1x2y3z4.js'); `name` itself when not built. */
export function builtFile(name: string): string {
  return Object.hasOwn(TABLE, name) ? TABLE[name]!.file : name;
}

/** The uncompressed size of a built file, when the build knows it. */
export function builtFileBytes(name: string): number | undefined {
  return Object.hasOwn(TABLE, name) ? TABLE[name]!.bytes : undefined;
}
