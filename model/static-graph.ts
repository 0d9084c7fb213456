// The ONNX graph of a static embedding model, shaped like a BERT encoder so that transformers.js'
// feature-extraction pipeline runs it unchanged:
//
//   input_ids [batch, seq] int64 ──Gather(row_of_token)──► rows [batch, seq] int32
//   rows ──Gather(table int8 [rows, dim])──Cast(float)──┐
//   rows ──Gather(scales float [rows, 1])───────────────┴─Mul──┐
//   attention_mask [batch, seq] int64 ──Cast──Unsqueeze(-1)────┴─Mul──► last_hidden_state [batch, seq, dim]
//
// Every op (Gather, Cast, Mul, Unsqueeze) is a basic CPU op that onnxruntime-web's WASM build runs.

import { encodeModel } from './onnx.ts';
import type { OnnxGraph } from './onnx.ts';

export interface QuantizedTable {
  rows: number;
  dim: number;
  /** Row-major rows × dim. */
  values: Int8Array;
  /** Per-row scale: row r of the float table is values[r] * scales[r]. */
  scales: Float32Array;
}

export const ONNX_OPSET = 17;

/** Where the three weight tensors lie in an external data file (the static model binary), if not inline. */
export interface ExternalWeights {
  /** File name relative to the .onnx file. */
  location: string;
  rowOfToken: number;
  scales: number;
  table: number;
}

export function staticEmbeddingOnnx(table: QuantizedTable, rowOfToken: Int32Array, external?: ExternalWeights): Uint8Array {
  const at = (offset: number | undefined) => (external && offset !== undefined ? { external: { location: external.location, offset } } : {});
  const graph: OnnxGraph = {
    name: 'static_embedding',
    inputs: [
      { name: 'input_ids', dataType: 'int64', shape: ['batch_size', 'sequence_length'] },
      { name: 'attention_mask', dataType: 'int64', shape: ['batch_size', 'sequence_length'] },
    ],
    outputs: [{ name: 'last_hidden_state', dataType: 'float32', shape: ['batch_size', 'sequence_length', table.dim] }],
    initializers: [
      { name: 'row_of_token', dataType: 'int32', dims: [rowOfToken.length], data: rowOfToken, ...at(external?.rowOfToken) },
      { name: 'embedding_int8', dataType: 'int8', dims: [table.rows, table.dim], data: table.values, ...at(external?.table) },
      { name: 'embedding_scale', dataType: 'float32', dims: [table.rows, 1], data: table.scales, ...at(external?.scales) },
      { name: 'last_axis', dataType: 'int64', dims: [1], data: BigInt64Array.from([-1n]) },
    ],
    nodes: [
      { op: 'Gather', name: 'token_rows', inputs: ['row_of_token', 'input_ids'], outputs: ['rows'], attributes: { axis: { int: 0 } } },
      { op: 'Gather', name: 'row_values', inputs: ['embedding_int8', 'rows'], outputs: ['quantized'], attributes: { axis: { int: 0 } } },
      { op: 'Cast', name: 'dequantize_cast', inputs: ['quantized'], outputs: ['unscaled'], attributes: { to: { int: 1 } } },
      { op: 'Gather', name: 'row_scales', inputs: ['embedding_scale', 'rows'], outputs: ['scales'], attributes: { axis: { int: 0 } } },
      { op: 'Mul', name: 'dequantize_scale', inputs: ['unscaled', 'scales'], outputs: ['embeddings'] },
      { op: 'Cast', name: 'mask_cast', inputs: ['attention_mask'], outputs: ['mask_float'], attributes: { to: { int: 1 } } },
      { op: 'Unsqueeze', name: 'mask_unsqueeze', inputs: ['mask_float', 'last_axis'], outputs: ['mask'] },
      { op: 'Mul', name: 'apply_mask', inputs: ['embeddings', 'mask'], outputs: ['last_hidden_state'] },
    ],
  };
  return encodeModel(graph, { opset: ONNX_OPSET, producer: 'tacit-model-build' });
}

/** Symmetric int8 quantization with one scale per row (max |x| maps to 127; zero rows stay zero). */
export function quantizeRows(vectors: Float32Array, rows: number, dim: number): QuantizedTable {
  const values = new Int8Array(rows * dim);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let j = 0; j < dim; j++) max = Math.max(max, Math.abs(vectors[r * dim + j]));
    if (max === 0) continue;
    const scale = Math.fround(max / 127);
    scales[r] = scale;
    for (let j = 0; j < dim; j++) values[r * dim + j] = Math.max(-127, Math.min(127, Math.round(vectors[r * dim + j] / scale)));
  }
  return { rows, dim, values, scales };
}
