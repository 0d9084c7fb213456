// The shipped model as every Tacit user gets it: transformers.js' feature-extraction pipeline over the
// packaged folder (tokenizer.json + onnx/model_quantized.onnx with dtype 'q8'), mean pooled, normalized.

import { env, pipeline } from '@huggingface/transformers';
import { DEFAULT_MODEL_ID, defaultModelsRoot } from '../default.ts';
import type { Embed } from './baselines.ts';

export async function shippedModelEmbedder(modelId: string = DEFAULT_MODEL_ID, modelsRoot: string = defaultModelsRoot()): Promise<Embed> {
  env.localModelPath = modelsRoot;
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  const extractor = await pipeline('feature-extraction', modelId, { dtype: 'q8' });
  return async (texts) => {
    const output = await extractor([...texts], { pooling: 'mean', normalize: true });
    const [count, dim] = output.dims as [number, number];
    const data = output.data as Float32Array;
    // A text without any non-zero token pools to 0/0 = NaN; the engine uses the zero vector (worker/embedder.ts).
    return Array.from({ length: count }, (_, i) => data.slice(i * dim, (i + 1) * dim).map((x) => (Number.isNaN(x) ? 0 : x)));
  };
}
