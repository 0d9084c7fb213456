// Where the embedded default model lives. No Node imports, so browser code may import the id too.
//
// In Node the default can be switched for a whole run with the environment variable TACIT_MODEL, e.g.
// `TACIT_MODEL=tacit-wordnet-v1 npm run eval:recs` to compare with the previous model, which is kept
// (unshipped) in model/baseline/. Browser bundles always get the shipped default.

/** The model Tacit ships (a folder under model/weights/). */
export const SHIPPED_MODEL_ID = 'tacit-wordnet-v2';

/** Models kept in the repository for comparison only (folders under model/baseline/, not in the npm package). */
export const BASELINE_MODEL_IDS: readonly string[] = ['tacit-wordnet-v1'];

const override = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TACIT_MODEL;

/** Id (folder name) of the model Tacit uses when none is configured: SHIPPED_MODEL_ID unless TACIT_MODEL says otherwise. */
export const DEFAULT_MODEL_ID: string = override || SHIPPED_MODEL_ID;

function pathOfFileUrl(url: URL): string {
  if (url.protocol !== 'file:') throw new Error(`default model: ${url.href} is not a file URL (defaultModelDir() is for Node)`);
  const path = decodeURIComponent(url.pathname);
  // file:///C:/x → C:/x on Windows.
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}

/**
 * Absolute path of the folder holding the default model's folder (what transformers.js' `env.localModelPath`
 * should point to), with a trailing slash: model/weights/, or model/baseline/ for a baseline model.
 */
export function defaultModelsRoot(): string {
  // @vite-ignore: browser bundles import only the id; these paths are for Node.
  const folder = BASELINE_MODEL_IDS.includes(DEFAULT_MODEL_ID) ? './baseline/' : './weights/';
  return pathOfFileUrl(new URL(/* @vite-ignore */ folder, import.meta.url));
}

/** Absolute path of the default model's folder (config.json, tokenizer.json, onnx/...), with a trailing slash. */
export function defaultModelDir(): string {
  return `${defaultModelsRoot()}${DEFAULT_MODEL_ID}/`;
}
