// Where the embedded default model lives. No Node imports, so browser code may import the id too.

/** Id (folder name under model/weights/) of the model Tacit ships and uses when none is configured. */
export const DEFAULT_MODEL_ID = 'tacit-wordnet-v1';

function pathOfFileUrl(url: URL): string {
  if (url.protocol !== 'file:') throw new Error(`default model: ${url.href} is not a file URL (defaultModelDir() is for Node)`);
  const path = decodeURIComponent(url.pathname);
  // file:///C:/x → C:/x on Windows.
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}

/** Absolute path of model/weights/ (what transformers.js' `env.localModelPath` should point to), with a trailing slash. */
export function defaultModelsRoot(): string {
  // @vite-ignore: browser bundles import only the id; these paths are for Node.
  return pathOfFileUrl(new URL(/* @vite-ignore */ './weights/', import.meta.url));
}

/** Absolute path of the default model's folder (config.json, tokenizer.json, onnx/...), with a trailing slash. */
export function defaultModelDir(): string {
  return pathOfFileUrl(new URL(/* @vite-ignore */ `./weights/${DEFAULT_MODEL_ID}/`, import.meta.url));
}
