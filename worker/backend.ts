// Chooses the onnxruntime-web backend for the embedder.
//
// WebGPU when the page's `navigator.gpu` yields an adapter, else WASM. WASM runs multithreaded only when
// the page is crossOriginIsolated (SharedArrayBuffer needs it); then with at most 4 threads, because
// more gave nothing on small encoders and starves the shop's own main thread.
//
// The backend also decides which of ORT's runtime builds the worker loads (ortRuntimeFiles): the plain
// SIMD build for WASM; the asyncify build, about twice its size, only when WebGPU is actually used.
//
// A pure function of an injected environment, so tests need no browser; `browserBackendEnvironment()`
// reads the real one.

import { builtFile } from '../core/built-files.ts';

export type BackendChoice = 'auto' | 'webgpu' | 'wasm';
export type Backend = 'webgpu' | 'wasm';

export const MAX_WASM_THREADS = 4;

/** The parts of a browser (window or worker) scope the choice depends on. */
export interface BackendEnvironment {
  /** `navigator.gpu`, if any. */
  gpu?: { requestAdapter(): Promise<unknown> } | undefined;
  /** `globalThis.crossOriginIsolated`. */
  crossOriginIsolated?: boolean;
  /** `navigator.hardwareConcurrency`. */
  hardwareConcurrency?: number;
}

export interface BackendSelection {
  backend: Backend;
  /** ORT wasm threads (`env.wasm.numThreads`); WebGPU sessions still run some kernels on WASM. */
  threads: number;
  /** Why, in words, for logs and diagnostics. */
  reason: string;
}

export class BackendError extends Error {
  override name = 'BackendError';
}

export function wasmThreads(environment: BackendEnvironment): number {
  if (!environment.crossOriginIsolated) return 1;
  const cores = environment.hardwareConcurrency;
  const available = Number.isInteger(cores) && cores! > 0 ? cores! : 1;
  return Math.min(MAX_WASM_THREADS, available);
}

async function hasWebGpuAdapter(environment: BackendEnvironment): Promise<boolean> {
  if (!environment.gpu || typeof environment.gpu.requestAdapter !== 'function') return false;
  try {
    return (await environment.gpu.requestAdapter()) != null;
  } catch {
    return false; // some browsers throw instead of returning null when WebGPU is blocked
  }
}

export async function selectBackend(choice: BackendChoice, environment: BackendEnvironment): Promise<BackendSelection> {
  const threads = wasmThreads(environment);
  const threadReason = environment.crossOriginIsolated
    ? `${threads} wasm thread(s): crossOriginIsolated`
    : '1 wasm thread: not crossOriginIsolated';
  switch (choice) {
    case 'wasm':
      return { backend: 'wasm', threads, reason: `wasm forced by config; ${threadReason}` };
    case 'webgpu':
      if (!(await hasWebGpuAdapter(environment))) {
        throw new BackendError("backend 'webgpu' was forced by config, but navigator.gpu yields no adapter here");
      }
      return { backend: 'webgpu', threads, reason: `webgpu forced by config; ${threadReason}` };
    case 'auto':
      if (await hasWebGpuAdapter(environment)) {
        return { backend: 'webgpu', threads, reason: `webgpu adapter available; ${threadReason}` };
      }
      return { backend: 'wasm', threads, reason: `no webgpu adapter; ${threadReason}` };
    default:
      throw new BackendError(`unknown backend '${String(choice)}' (expected 'auto', 'webgpu' or 'wasm')`);
  }
}

/** The real environment of the current window or worker scope. */
export function browserBackendEnvironment(scope: typeof globalThis = globalThis): BackendEnvironment {
  const nav = (scope as { navigator?: Navigator }).navigator as
    | (Navigator & { gpu?: BackendEnvironment['gpu'] })
    | undefined;
  return {
    gpu: nav?.gpu,
    crossOriginIsolated: (scope as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    ...(nav?.hardwareConcurrency ? { hardwareConcurrency: nav.hardwareConcurrency } : {}),
  };
}

/** ORT's runtime build per backend (file names as onnxruntime-web ships them). */
export const ORT_RUNTIME: Readonly<Record<Backend, { mjs: string; wasm: string }>> = Object.freeze({
  wasm: { mjs: 'ort-wasm-simd-threaded.mjs', wasm: 'ort-wasm-simd-threaded.wasm' },
  webgpu: { mjs: 'ort-wasm-simd-threaded.asyncify.mjs', wasm: 'ort-wasm-simd-threaded.asyncify.wasm' },
});

/**
 * The URLs of ORT's runtime for `backend`, for `env.wasm.wasmPaths`: under the folder `wasmPaths` names
 * (e.g. '/tacit/ort/'), by the names the build gave them; explicit `{ mjs, wasm }` URLs are kept as they
 * are. Always both URLs: with only a folder, ORT would pick the file of its own build (asyncify, for the
 * WebGPU entry transformers.js imports), and ORT loads the .wasm itself, streaming it from its URL.
 * ORT initialises once per worker: the first embedder's backend decides the build for the worker's life
 * (the asyncify build runs the WASM backend too, so a later fallback from WebGPU to WASM still works).
 */
export function ortRuntimeFiles(backend: Backend, wasmPaths: string | { mjs: string; wasm: string }): { mjs: string; wasm: string } {
  if (typeof wasmPaths !== 'string') return wasmPaths;
  const folder = wasmPaths.endsWith('/') ? wasmPaths : `${wasmPaths}/`;
  const served = (file: string) => folder + builtFile(`ort/${file}`).slice('ort/'.length);
  return { mjs: served(ORT_RUNTIME[backend].mjs), wasm: served(ORT_RUNTIME[backend].wasm) };
}
