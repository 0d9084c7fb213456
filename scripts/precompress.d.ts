export const COMPRESSIBLE: RegExp;
export const BROTLI_Q11_MAX_BYTES: number;
export function precompressDir(dir: string): Promise<{ file: string; raw: number; gzip: number | null; brotli: number | null }[]>;
