// A minimal, deterministic ONNX model writer (no dependency).
//
// It emits the protobuf wire format of onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto,
// TensorProto, ValueInfoProto) for the subset Tacit needs to build small transformer graphs.
// Same input → same bytes: no timestamps, fields written in field-number order, tensors always as
// little-endian `raw_data`. Repeated scalars are written unpacked, as onnx.proto (proto2) declares them;
// every protobuf parser accepts that.

import { MessageWriter } from './protobuf-writer.ts';

export type OnnxDataType = 'float32' | 'uint8' | 'int8' | 'int32' | 'int64' | 'bool';

export type OnnxTensorData =
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int32Array
  | BigInt64Array
  | readonly number[]
  | readonly bigint[];

export interface OnnxTensor {
  name: string;
  dataType: OnnxDataType;
  dims: readonly number[];
  data: OnnxTensorData;
  /**
   * Store the data outside the model: in file `location` (relative to the .onnx file) at byte `offset`.
   * `data` is still given, to check its size; the caller writes those bytes there, little-endian.
   */
  external?: { location: string; offset: number };
}

/** One attribute value, tagged so that `1` (an int) and `1.0` (a float) cannot be confused. */
export type OnnxAttribute =
  | { int: number | bigint }
  | { float: number }
  | { ints: readonly (number | bigint)[] }
  | { floats: readonly number[] }
  | { string: string }
  | { strings: readonly string[] }
  | { tensor: OnnxTensor };

export interface OnnxNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  /** Operator domain; '' (default) is the standard ai.onnx domain. */
  domain?: string;
  attributes?: Readonly<Record<string, OnnxAttribute>>;
}

export interface OnnxValueInfo {
  name: string;
  dataType: OnnxDataType;
  /** A number is a fixed size; a string names a symbolic dimension such as 'batch'. */
  shape: readonly (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

export interface EncodeOptions {
  /** ai.onnx opset version (default 17, the first with LayerNormalization). */
  opset?: number;
  producer?: string;
  producerVersion?: string;
  /** Opset versions for non-default domains used by nodes (default 1 for each, e.g. com.microsoft). */
  domainOpsets?: Readonly<Record<string, number>>;
}

export class OnnxEncodeError extends Error {
  override name = 'OnnxEncodeError';
}

const DATA_TYPE_CODE: Record<OnnxDataType, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
};

const BYTES_PER_ELEMENT: Record<OnnxDataType, number> = {
  float32: 4,
  uint8: 1,
  int8: 1,
  int32: 4,
  int64: 8,
  bool: 1,
};

// AttributeProto.AttributeType
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_TENSOR = 4;
const ATTR_FLOATS = 6;
const ATTR_INTS = 7;
const ATTR_STRINGS = 8;

/** The IR version that introduced each opset range (onnx/helper.py VERSION_TABLE). */
function irVersionFor(opset: number): number {
  if (opset <= 8) return 3;
  if (opset <= 9) return 4;
  if (opset <= 10) return 5;
  if (opset <= 11) return 6;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  if (opset <= 22) return 10;
  return 11;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function checkedInteger(value: number): number {
  if (!Number.isSafeInteger(value)) throw new OnnxEncodeError(`expected an integer, got ${value}`);
  return value;
}

// ---------------------------------------------------------------------------------------------------
// ONNX messages.

function elementCount(dims: readonly number[], what: string): number {
  let count = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new OnnxEncodeError(`${what}: dims must be non-negative integers, got [${dims.join(', ')}]`);
    }
    count *= d;
  }
  return count;
}

/** Little-endian raw bytes of a tensor's data, checked against its type and dims. */
function rawData(tensor: OnnxTensor): Uint8Array {
  const what = `tensor '${tensor.name}'`;
  const count = elementCount(tensor.dims, what);
  const { data, dataType } = tensor;
  if (data.length !== count) {
    throw new OnnxEncodeError(`${what}: dims [${tensor.dims.join(', ')}] need ${count} values, got ${data.length}`);
  }
  const bytes = new Uint8Array(count * BYTES_PER_ELEMENT[dataType]);
  const view = new DataView(bytes.buffer);
  const typedMatches =
    (dataType === 'float32' && data instanceof Float32Array) ||
    (dataType === 'int8' && data instanceof Int8Array) ||
    ((dataType === 'uint8' || dataType === 'bool') && data instanceof Uint8Array) ||
    (dataType === 'int32' && data instanceof Int32Array) ||
    (dataType === 'int64' && data instanceof BigInt64Array);
  if (!typedMatches && ArrayBuffer.isView(data)) {
    throw new OnnxEncodeError(`${what}: ${data.constructor.name} does not match dataType '${dataType}'`);
  }
  if (typedMatches && LITTLE_ENDIAN_HOST && dataType !== 'bool') {
    // Fast path for large weight tensors: the memory layout already is ONNX's raw_data layout.
    const view = data as Exclude<OnnxTensorData, readonly number[] | readonly bigint[]>;
    bytes.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    return bytes;
  }
  for (let i = 0; i < count; i++) {
    const value = data[i]!;
    switch (dataType) {
      case 'float32':
        view.setFloat32(i * 4, Number(value), true);
        break;
      case 'int32':
        view.setInt32(i * 4, checkedRange(Number(value), -(2 ** 31), 2 ** 31 - 1, what), true);
        break;
      case 'int8':
        view.setInt8(i, checkedRange(Number(value), -128, 127, what));
        break;
      case 'uint8':
        view.setUint8(i, checkedRange(Number(value), 0, 255, what));
        break;
      case 'bool':
        view.setUint8(i, checkedRange(Number(value), 0, 1, what));
        break;
      case 'int64':
        view.setBigInt64(i * 8, typeof value === 'bigint' ? value : BigInt(checkedInteger(value)), true);
        break;
    }
  }
  return bytes;
}

function checkedRange(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new OnnxEncodeError(`${what}: value ${value} is outside [${min}, ${max}]`);
  }
  return value;
}

function tensorProto(tensor: OnnxTensor): MessageWriter {
  if (!(tensor.dataType in DATA_TYPE_CODE)) {
    throw new OnnxEncodeError(`tensor '${tensor.name}': unknown dataType '${String(tensor.dataType)}'`);
  }
  const raw = rawData(tensor);
  const m = new MessageWriter();
  for (const d of tensor.dims) m.int(1, d); // dims
  m.int(2, DATA_TYPE_CODE[tensor.dataType]); // data_type
  m.string(8, tensor.name); // name
  if (!tensor.external) {
    m.bytes(9, raw); // raw_data
    return m;
  }
  const entries: Array<[string, string]> = [
    ['location', tensor.external.location],
    ['offset', String(checkedInteger(tensor.external.offset))],
    ['length', String(raw.length)],
  ];
  for (const [key, value] of entries) {
    const entry = new MessageWriter(); // StringStringEntryProto
    entry.string(1, key);
    entry.string(2, value);
    m.message(13, entry); // external_data
  }
  m.int(14, 1); // data_location = EXTERNAL
  return m;
}

function attributeProto(name: string, attr: OnnxAttribute, nodeName: string): MessageWriter {
  const m = new MessageWriter();
  m.string(1, name);
  const bad = () =>
    new OnnxEncodeError(
      `node '${nodeName}': attribute '${name}' must be one of {int}, {float}, {ints}, {floats}, {string}, {strings}, {tensor}`,
    );
  if (typeof attr !== 'object' || attr === null) throw bad();
  if ('float' in attr) {
    m.float(2, attr.float);
    m.int(20, ATTR_FLOAT);
  } else if ('int' in attr) {
    m.int(3, attr.int);
    m.int(20, ATTR_INT);
  } else if ('string' in attr) {
    m.string(4, attr.string);
    m.int(20, ATTR_STRING);
  } else if ('tensor' in attr) {
    m.message(5, tensorProto(attr.tensor));
    m.int(20, ATTR_TENSOR);
  } else if ('floats' in attr) {
    for (const f of attr.floats) m.float(7, f);
    m.int(20, ATTR_FLOATS);
  } else if ('ints' in attr) {
    for (const i of attr.ints) m.int(8, i);
    m.int(20, ATTR_INTS);
  } else if ('strings' in attr) {
    for (const s of attr.strings) m.string(9, s);
    m.int(20, ATTR_STRINGS);
  } else {
    throw bad();
  }
  return m;
}

function nodeProto(node: OnnxNode, index: number): MessageWriter {
  const label = node.name ?? `#${index} (${node.op})`;
  if (!node.op) throw new OnnxEncodeError(`node ${label}: missing op`);
  const m = new MessageWriter();
  for (const input of node.inputs) m.string(1, input);
  for (const output of node.outputs) m.string(2, output);
  if (node.name !== undefined) m.string(3, node.name);
  m.string(4, node.op);
  // Attributes in name order, so the bytes do not depend on object key order.
  for (const key of Object.keys(node.attributes ?? {}).sort()) {
    m.message(5, attributeProto(key, node.attributes![key]!, label));
  }
  if (node.domain) m.string(7, node.domain);
  return m;
}

function valueInfoProto(info: OnnxValueInfo): MessageWriter {
  if (!(info.dataType in DATA_TYPE_CODE)) {
    throw new OnnxEncodeError(`value '${info.name}': unknown dataType '${String(info.dataType)}'`);
  }
  const shape = new MessageWriter();
  for (const dim of info.shape) {
    const d = new MessageWriter();
    if (typeof dim === 'string') d.string(2, dim); // dim_param
    else d.int(1, checkedInteger(dim)); // dim_value
    shape.message(1, d);
  }
  const tensorType = new MessageWriter();
  tensorType.int(1, DATA_TYPE_CODE[info.dataType]); // elem_type
  tensorType.message(2, shape);
  const type = new MessageWriter();
  type.message(1, tensorType); // TypeProto.tensor_type
  const m = new MessageWriter();
  m.string(1, info.name);
  m.message(2, type);
  return m;
}

/** Every value a node reads must come from a graph input, an initializer or an earlier node. */
function checkGraph(graph: OnnxGraph): void {
  const defined = new Set<string>(['']); // '' marks an omitted optional input
  const define = (name: string, what: string): void => {
    if (!name) throw new OnnxEncodeError(`${what} has an empty name`);
    if (defined.has(name)) throw new OnnxEncodeError(`${what}: '${name}' is defined twice`);
    defined.add(name);
  };
  for (const input of graph.inputs) define(input.name, 'graph input');
  for (const init of graph.initializers) define(init.name, 'initializer');
  graph.nodes.forEach((node, i) => {
    const label = node.name ?? `#${i} (${node.op})`;
    for (const input of node.inputs) {
      if (!defined.has(input)) throw new OnnxEncodeError(`node ${label}: input '${input}' is not defined before it`);
    }
    for (const output of node.outputs) define(output, `node ${label} output`);
  });
  for (const output of graph.outputs) {
    if (!defined.has(output.name)) throw new OnnxEncodeError(`graph output '${output.name}' is not produced`);
  }
}

/** Encode a graph as ONNX ModelProto bytes. */
export function encodeModel(graph: OnnxGraph, options: EncodeOptions = {}): Uint8Array {
  const opset = options.opset ?? 17;
  checkedInteger(opset);
  checkGraph(graph);

  const g = new MessageWriter();
  graph.nodes.forEach((node, i) => g.message(1, nodeProto(node, i)));
  g.string(2, graph.name);
  for (const init of graph.initializers) g.message(5, tensorProto(init));
  for (const input of graph.inputs) g.message(11, valueInfoProto(input));
  for (const output of graph.outputs) g.message(12, valueInfoProto(output));

  const domains = new Map<string, number>([['', opset]]);
  for (const node of graph.nodes) {
    if (node.domain && !domains.has(node.domain)) domains.set(node.domain, options.domainOpsets?.[node.domain] ?? 1);
  }

  const m = new MessageWriter();
  m.int(1, irVersionFor(opset)); // ir_version
  m.string(2, options.producer ?? 'tacit'); // producer_name
  if (options.producerVersion) m.string(3, options.producerVersion);
  m.message(7, g); // graph
  for (const [domain, version] of [...domains].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const opsetId = new MessageWriter();
    if (domain) opsetId.string(1, domain);
    opsetId.int(2, version);
    m.message(8, opsetId); // opset_import
  }
  return m.finish();
}
