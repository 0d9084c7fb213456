import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INT8_DOT_WASM_BASE64 } from '../../core/int8-dot-kernel.ts';
import { KERNEL_MODULE_PATH, assembleKernel, kernelModuleSource } from '../../scripts/build-int8-kernel.ts';

describe('core/int8-dot-kernel.ts', () => {
  it('is exactly what core/int8-dot.wat assembles to (run `npm run kernel:build` after editing the .wat)', async () => {
    const bytes = await assembleKernel();
    expect(readFileSync(KERNEL_MODULE_PATH, 'utf8')).toBe(kernelModuleSource(bytes));
    // Assembling twice gives the same bytes.
    expect(Buffer.from(await assembleKernel()).equals(Buffer.from(bytes))).toBe(true);
  });

  it('stays under 4 KB (the oldest Chromium limit for a synchronous compile on the main thread) and needs only SIMD128', () => {
    const bytes = Buffer.from(INT8_DOT_WASM_BASE64, 'base64');
    expect(bytes.length).toBeLessThan(4096);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
    expect(exports.sort()).toEqual(['dotRows', 'scoreRows']);
  });
});
