import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { encodeModel, OnnxEncodeError } from '../../model/onnx.ts';
import type { OnnxGraph, OnnxNode } from '../../model/onnx.ts';

const f32 = (values: number[], dims: number[]) => new ort.Tensor('float32', Float32Array.from(values), dims);

async function run(graph: OnnxGraph, feeds: Record<string, ort.Tensor> = {}, opset?: number) {
  const session = await ort.InferenceSession.create(encodeModel(graph, opset ? { opset } : {}));
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** A graph made of Constant nodes only, one per attribute kind. */
function constantGraph(nodes: OnnxNode[], outputs: OnnxGraph['outputs']): OnnxGraph {
  return { name: 'constants', nodes, initializers: [], inputs: [], outputs };
}

describe('encodeModel', () => {
  it('runs MatMul + Add + Softmax with a symbolic batch dimension in onnxruntime', async () => {
    const graph: OnnxGraph = {
      name: 'dense',
      nodes: [
        { op: 'MatMul', inputs: ['x', 'w'], outputs: ['xw'] },
        { op: 'Add', inputs: ['xw', 'b'], outputs: ['logits'] },
        { op: 'Softmax', inputs: ['logits'], outputs: ['y'], attributes: { axis: { int: -1 } } },
      ],
      initializers: [
        { name: 'w', dataType: 'float32', dims: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
        { name: 'b', dataType: 'float32', dims: [3], data: [0.5, -0.5, 0] },
      ],
      inputs: [{ name: 'x', dataType: 'float32', shape: ['batch', 2] }],
      outputs: [{ name: 'y', dataType: 'float32', shape: ['batch', 3] }],
    };
    const { y } = await run(graph, { x: f32([1, 0, 0, 1, 1, 1], [3, 2]) });
    expect(y!.dims).toEqual([3, 3]);
    const x = [[1, 0], [0, 1], [1, 1]];
    const w = [[1, 2, 3], [4, 5, 6]];
    const b = [0.5, -0.5, 0];
    const data = y!.data as Float32Array;
    x.forEach((row, r) => {
      const logits = b.map((bias, c) => bias + row[0]! * w[0]![c]! + row[1]! * w[1]![c]!);
      const exps = logits.map((l) => Math.exp(l));
      const sum = exps.reduce((a, e) => a + e, 0);
      exps.forEach((e, c) => expect(data[r * 3 + c]).toBeCloseTo(e / sum, 5));
    });
  });

  it('encodes int, float, ints, floats and tensor attributes', async () => {
    const out = await run(
      constantGraph(
        [
          { op: 'Constant', inputs: [], outputs: ['i'], attributes: { value_int: { int: -7 } } },
          { op: 'Constant', inputs: [], outputs: ['f'], attributes: { value_float: { float: 0.25 } } },
          { op: 'Constant', inputs: [], outputs: ['is'], attributes: { value_ints: { ints: [3, -1, 2 ** 40] } } },
          { op: 'Constant', inputs: [], outputs: ['fs'], attributes: { value_floats: { floats: [1.5, -2] } } },
          {
            op: 'Constant',
            inputs: [],
            outputs: ['t'],
            attributes: { value: { tensor: { name: 'tv', dataType: 'int8', dims: [2, 2], data: [-128, 0, 1, 127] } } },
          },
        ],
        [
          { name: 'i', dataType: 'int64', shape: [] },
          { name: 'f', dataType: 'float32', shape: [] },
          { name: 'is', dataType: 'int64', shape: [3] },
          { name: 'fs', dataType: 'float32', shape: [2] },
          { name: 't', dataType: 'int8', shape: [2, 2] },
        ],
      ),
    );
    expect(out.i!.data).toEqual(BigInt64Array.from([-7n]));
    expect(Array.from(out.f!.data as Float32Array)).toEqual([0.25]);
    expect(Array.from(out.is!.data as BigInt64Array)).toEqual([3n, -1n, 2n ** 40n]);
    expect(Array.from(out.fs!.data as Float32Array)).toEqual([1.5, -2]);
    expect(Array.from(out.t!.data as Int8Array)).toEqual([-128, 0, 1, 127]);
  });

  it('encodes string attributes that onnxruntime reads back', async () => {
    // Gelu's `approximate` is a string attribute: 'tanh' and 'none' give different results.
    const gelu = (approximate: string): OnnxGraph => ({
      name: 'gelu',
      nodes: [{ op: 'Gelu', inputs: ['x'], outputs: ['y'], attributes: { approximate: { string: approximate } } }],
      initializers: [],
      inputs: [{ name: 'x', dataType: 'float32', shape: [1] }],
      outputs: [{ name: 'y', dataType: 'float32', shape: [1] }],
    });
    const x = 1.3;
    const exact = 0.5 * x * (1 + erf(x / Math.SQRT2));
    const tanh = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    const a = await run(gelu('none'), { x: f32([x], [1]) }, 20);
    const b = await run(gelu('tanh'), { x: f32([x], [1]) }, 20);
    expect((a.y!.data as Float32Array)[0]).toBeCloseTo(exact, 5);
    expect((b.y!.data as Float32Array)[0]).toBeCloseTo(tanh, 5);
    await expect(run(gelu('bogus'), { x: f32([x], [1]) }, 20)).rejects.toThrow();
  });

  it('writes strings attributes as repeated UTF-8 strings', () => {
    const bytes = encodeModel({
      name: 'g',
      nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'], attributes: { tags: { strings: ['naïve', 'cat'] } } }],
      initializers: [],
      inputs: [{ name: 'x', dataType: 'float32', shape: [1] }],
      outputs: [{ name: 'y', dataType: 'float32', shape: [1] }],
    });
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('naïve');
    expect(text.indexOf('cat')).toBeGreaterThan(text.indexOf('naïve'));
  });

  it('stores int32, int64, uint8 and int8 initializers bit-exactly', async () => {
    const graph: OnnxGraph = {
      name: 'identity',
      nodes: [
        { op: 'Identity', inputs: ['a'], outputs: ['A'] },
        { op: 'Identity', inputs: ['b'], outputs: ['B'] },
        { op: 'Identity', inputs: ['c'], outputs: ['C'] },
        { op: 'Identity', inputs: ['d'], outputs: ['D'] },
      ],
      initializers: [
        { name: 'a', dataType: 'int32', dims: [3], data: new Int32Array([-(2 ** 31), 0, 2 ** 31 - 1]) },
        { name: 'b', dataType: 'int64', dims: [2], data: [-(2 ** 53) + 1, 5] },
        { name: 'c', dataType: 'uint8', dims: [2], data: new Uint8Array([0, 255]) },
        { name: 'd', dataType: 'int8', dims: [1, 2], data: new Int8Array([-5, 9]) },
      ],
      inputs: [],
      outputs: [
        { name: 'A', dataType: 'int32', shape: [3] },
        { name: 'B', dataType: 'int64', shape: [2] },
        { name: 'C', dataType: 'uint8', shape: [2] },
        { name: 'D', dataType: 'int8', shape: [1, 2] },
      ],
    };
    const out = await run(graph);
    expect(Array.from(out.A!.data as Int32Array)).toEqual([-(2 ** 31), 0, 2 ** 31 - 1]);
    expect(Array.from(out.B!.data as BigInt64Array)).toEqual([BigInt(-(2 ** 53) + 1), 5n]);
    expect(Array.from(out.C!.data as Uint8Array)).toEqual([0, 255]);
    expect(out.D!.dims).toEqual([1, 2]);
    expect(Array.from(out.D!.data as Int8Array)).toEqual([-5, 9]);
  });

  it('is deterministic: same graph, same bytes, whatever the attribute key order', () => {
    const make = (attributes: OnnxNode['attributes']): OnnxGraph => ({
      name: 'ln',
      nodes: [{ op: 'LayerNormalization', inputs: ['x', 's', 'b'], outputs: ['y'], attributes }],
      initializers: [
        { name: 's', dataType: 'float32', dims: [4], data: [1, 1, 1, 1] },
        { name: 'b', dataType: 'float32', dims: [4], data: [0, 0, 0, 0] },
      ],
      inputs: [{ name: 'x', dataType: 'float32', shape: ['n', 4] }],
      outputs: [{ name: 'y', dataType: 'float32', shape: ['n', 4] }],
    });
    const a = encodeModel(make({ axis: { int: -1 }, epsilon: { float: 1e-12 } }));
    const b = encodeModel(make({ epsilon: { float: 1e-12 }, axis: { int: -1 } }));
    expect(a).toEqual(b);
    expect(encodeModel(make({ axis: { int: -1 }, epsilon: { float: 1e-5 } }))).not.toEqual(a);
  });

  it('declares a custom domain opset for nodes that use one', async () => {
    const bytes = encodeModel(
      {
        name: 'ms',
        nodes: [{ op: 'FastGelu', domain: 'com.microsoft', inputs: ['x'], outputs: ['y'] }],
        initializers: [],
        inputs: [{ name: 'x', dataType: 'float32', shape: [2] }],
        outputs: [{ name: 'y', dataType: 'float32', shape: [2] }],
      },
      { producer: 'test' },
    );
    expect(new TextDecoder().decode(bytes)).toContain('com.microsoft');
    const session = await ort.InferenceSession.create(bytes);
    const { y } = await session.run({ x: f32([0, 10], [2]) });
    expect(Array.from(y!.data as Float32Array).map((v) => Math.round(v * 1000) / 1000)).toEqual([0, 10]);
    await session.release();
  });

  describe('rejects bad input with a clear error', () => {
    const base = (): OnnxGraph => ({
      name: 'g',
      nodes: [{ op: 'Identity', inputs: ['w'], outputs: ['y'] }],
      initializers: [{ name: 'w', dataType: 'float32', dims: [2], data: [1, 2] }],
      inputs: [],
      outputs: [{ name: 'y', dataType: 'float32', shape: [2] }],
    });

    it('data length that does not match dims', () => {
      const g = base();
      g.initializers = [{ name: 'w', dataType: 'float32', dims: [3], data: [1, 2] }];
      expect(() => encodeModel(g)).toThrow(/tensor 'w': dims \[3\] need 3 values, got 2/);
    });

    it('typed array of the wrong type', () => {
      const g = base();
      g.initializers = [{ name: 'w', dataType: 'int8', dims: [2], data: new Float32Array(2) }];
      expect(() => encodeModel(g)).toThrow(/Float32Array does not match dataType 'int8'/);
    });

    it('values out of range for the type', () => {
      const g = base();
      g.initializers = [{ name: 'w', dataType: 'int8', dims: [2], data: [1, 200] }];
      expect(() => encodeModel(g)).toThrow(OnnxEncodeError);
      expect(() => encodeModel(g)).toThrow(/value 200 is outside \[-128, 127\]/);
    });

    it('an input nobody defines', () => {
      const g = base();
      g.nodes = [{ op: 'Identity', inputs: ['missing'], outputs: ['y'] }];
      expect(() => encodeModel(g)).toThrow(/input 'missing' is not defined/);
    });

    it('an output defined twice', () => {
      const g = base();
      g.nodes = [
        { op: 'Identity', inputs: ['w'], outputs: ['y'] },
        { op: 'Identity', inputs: ['w'], outputs: ['y'] },
      ];
      expect(() => encodeModel(g)).toThrow(/'y' is defined twice/);
    });

    it('a graph output nobody produces', () => {
      const g = base();
      g.outputs = [{ name: 'z', dataType: 'float32', shape: [2] }];
      expect(() => encodeModel(g)).toThrow(/graph output 'z' is not produced/);
    });

    it('an untagged attribute', () => {
      const g = base();
      g.nodes = [{ op: 'Identity', inputs: ['w'], outputs: ['y'], attributes: { axis: 1 as never } }];
      expect(() => encodeModel(g)).toThrow(/attribute 'axis' must be one of/);
    });

    it('a non-integer int attribute', () => {
      const g = base();
      g.nodes = [{ op: 'Identity', inputs: ['w'], outputs: ['y'], attributes: { axis: { int: 1.5 } } }];
      expect(() => encodeModel(g)).toThrow(/expected an integer, got 1.5/);
    });
  });
});

/** Abramowitz–Stegun 7.1.26 is too coarse for 5 digits; use a series that converges for small |x|. */
function erf(x: number): number {
  let sum = 0;
  let term = x;
  for (let n = 0; n < 60; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
