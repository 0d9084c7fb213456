// Errors that name the model and the file at fault, from what transformers.js and ONNX Runtime throw.

import { EmbedderError, type EmbedderDtype } from '../core/embedder.ts';
import { JSON_FILES, isNode, loadTransformers, nodeModule, type FeatureExtractor } from './transformers.ts';

/** Token ids the tokenizer can produce must exist in the model's embedding table, and fit its positions. */
export function checkTokenizerMatchesModel(pipe: FeatureExtractor, model: string): void {
  if (!pipe.tokenizer) {
    // transformers.js decides whether a model has a tokenizer by looking for tokenizer_config.json.
    throw new EmbedderError(
      `Embedder: model '${model}' has no tokenizer: tokenizer_config.json is missing`,
      model,
      'tokenizer_config.json',
    );
  }
  const config = pipe.model.config;
  const vocabSize = config.vocab_size;
  const tokenizerSize = pipe.tokenizer.get_vocab().size;
  if (typeof vocabSize === 'number' && tokenizerSize > vocabSize) {
    throw new EmbedderError(
      `Embedder: tokenizer mismatch in model '${model}': tokenizer.json has ${tokenizerSize} tokens but ` +
        `config.json's vocab_size is ${vocabSize}`,
      model,
      'tokenizer.json',
    );
  }
  const positions = config.max_position_embeddings;
  const maxLength = pipe.tokenizer.model_max_length;
  if (typeof positions === 'number' && Number.isFinite(maxLength) && maxLength > positions) {
    throw new EmbedderError(
      `Embedder: tokenizer mismatch in model '${model}': tokenizer_config.json's model_max_length ${maxLength} ` +
        `exceeds config.json's max_position_embeddings ${positions}`,
      model,
      'tokenizer_config.json',
    );
  }
}

export async function describeLoadError(
  error: unknown,
  model: string,
  modelPath: string,
  dtype: EmbedderDtype,
  onnxFile: string,
): Promise<EmbedderError> {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = `Embedder: cannot load model '${model}' (dtype ${dtype})`;
  const fail = (text: string, file?: string) => new EmbedderError(`${prefix}: ${text}`, model, file, { cause: error });

  const missing =
    /not found locally at "([^"]+)"/.exec(message) ??
    /Local file missing at "([^"]+)"/.exec(message) ??
    /Could not locate file: "([^"]+)"/.exec(message) ??
    /ENOENT[^']*'([^']+)'/.exec(message);
  if (missing) {
    const where = missing[1]!;
    const file = [onnxFile, ...JSON_FILES].find((f) => where.endsWith(f));
    return fail(`file ${file ?? where} is missing (looked for "${where}")`, file);
  }
  const remote = /attempted to load a remote file from: (\S+)/.exec(message);
  if (remote) return fail(`remote loading is disabled (allowRemote: false), but ${remote[1]} is remote`);

  if (error instanceof SyntaxError || /JSON/.test(message)) {
    const file = isNode ? await findInvalidJson(modelPath) : undefined;
    return fail(`${file ?? `one of ${JSON_FILES.join(', ')}`} is not valid JSON (${message})`, file);
  }
  if (/protobuf|onnx|Load model|InferenceSession|graph|opset/i.test(message)) {
    return fail(`${onnxFile} is not a valid ONNX model (${message})`, onnxFile);
  }
  return fail(message);
}

/** Node: which of the model folder's JSON files does not parse. */
async function findInvalidJson(modelPath: string): Promise<string | undefined> {
  const fs = await nodeModule<typeof import('node:fs')>('fs');
  const path = await nodeModule<typeof import('node:path')>('path');
  const { env } = (await loadTransformers()).module;
  const dir = fs.existsSync(modelPath) ? modelPath : path.join(env.localModelPath, modelPath);
  for (const file of JSON_FILES) {
    try {
      JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    } catch (error) {
      if (error instanceof SyntaxError) return file;
    }
  }
  return undefined;
}

export function describeRunError(error: unknown, model: string, onnxFile: string): EmbedderError {
  const message = error instanceof Error ? error.message : String(error);
  if (/indices|out of (range|bounds)|Gather/i.test(message)) {
    return new EmbedderError(
      `Embedder: model '${model}' rejected the tokenizer's output (tokenizer.json does not match ${onnxFile}?): ${message}`,
      model,
      onnxFile,
      { cause: error },
    );
  }
  return new EmbedderError(`Embedder: inference failed for model '${model}' (${onnxFile}): ${message}`, model, onnxFile, {
    cause: error,
  });
}
