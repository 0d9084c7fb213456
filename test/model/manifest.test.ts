// The committed default-model files must be exactly the ones manifest.json lists (sha256 and size).

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ID, defaultModelDir } from '../../model/default.ts';

const dir = defaultModelDir();
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
  model_id: string;
  files: Record<string, { sha256: string; bytes: number }>;
};

function listFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(folder, entry.name)) : [relative(dir, join(folder, entry.name)).split('\\').join('/')],
  );
}

describe('default model manifest', () => {
  it('names the default model', () => {
    expect(manifest.model_id).toBe(DEFAULT_MODEL_ID);
  });

  it('lists every file of the folder, and only those', () => {
    expect(listFiles(dir).sort()).toEqual([...Object.keys(manifest.files), 'manifest.json'].sort());
    expect(Object.keys(manifest.files)).toEqual(
      expect.arrayContaining(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx']),
    );
  });

  it.each(Object.entries(manifest.files))('%s matches its sha256 and size', (name, expected) => {
    const bytes = readFileSync(join(dir, name));
    expect(bytes.length).toBe(expected.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(expected.sha256);
  });

  it('fits the 8 MB budget (decimal: 8,000,000 bytes)', () => {
    const total = listFiles(dir).reduce((sum, name) => sum + readFileSync(join(dir, name)).length, 0);
    expect(total).toBeLessThanOrEqual(8_000_000);
  });
});
