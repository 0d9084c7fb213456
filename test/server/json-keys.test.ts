import { describe, expect, it } from 'vitest';
import { findDuplicateKey } from '../../protocol/json-keys.ts';

describe('findDuplicateKey', () => {
  it.each([
    ['{"taxonomy":1,"epoch":2,"segments":[1,2,3]}'],
    ['{}'],
    ['[]'],
    ['"epoch"'],
    ['[{"a":1},{"a":2}]'], // the same key in two different objects
    ['{"a":{"a":1},"b":{"a":2}}'],
    ['{"a":"a","b":"a"}'], // equal string values are not keys
    ['{"a":["b","b"],"b":1}'],
    ['{"x\\"y":1,"x":2,"y":3}'], // an escaped quote inside a key
    ['{"a\\\\":1,"a":2}'], // a key ending in a backslash
    ['{"{":"}","[":"]"}'], // brackets inside strings do not nest
    [' { "a" : 1 , "b" : 2 } '],
  ])('finds none in %s', (text) => {
    JSON.parse(text); // the precondition: valid JSON
    expect(findDuplicateKey(text)).toBeNull();
  });

  it.each([
    ['{"taxonomy":1,"epoch":2,"epoch":3,"segments":[1,2,3]}', 'epoch'],
    ['{"a":1,"a":1}', 'a'],
    ['{ "a" :1, "a"\n:2}', 'a'],
    ['{"\\u0065poch":1,"epoch":2}', 'epoch'], // compared decoded
    ['{"segments":[{"v":1,"v":2}]}', 'v'], // nested in an array
    ['{"a":{"b":{"c":1,"c":2}}}', 'c'],
    ['{"__proto__":1,"__proto__":2}', '__proto__'],
    ['{"a":"}","b":"{","a":0}', 'a'],
  ])('finds the repeated key in %s', (text, key) => {
    JSON.parse(text);
    expect(findDuplicateKey(text)).toBe(key);
  });
});
