// `tacit-sdk snippet --base /tacit/`: prints the exact <script> a shop pastes into the <head> of every
// page: the minified snippet (src/snippet.js) loading tacit.js from where the shop serves Tacit's files.
// `--csp` prints the snippet's Content-Security-Policy hash source instead ('sha256-…').

import { createHash } from 'node:crypto';
import { parseCommandArgs } from './args.ts';
import { PROGRAM, UsageError } from './errors.ts';
import { write, type CliIO } from './io.ts';
import { minifiedSnippet } from './served-files.ts';

export const SNIPPET_USAGE = `usage: tacit-sdk snippet [--base URL] [--csp]

Prints the <script> to paste into the <head> of every page, before any tacit.* call.

  --base URL   where the shop serves Tacit's files (tacit-sdk files --out ...): a path
               from the site's root such as /tacit/ (the default), or an https:// URL
               on the shop's own origin (a browser starts Tacit's worker only from there)
  --csp        print the snippet's hash for a Content-Security-Policy script-src instead`;

const OPTIONS = {
  base: { type: 'string' },
  csp: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * The folder URL, checked: from the site's root (a relative one would change meaning from page to page)
 * or absolute http(s); no query or fragment (the SDK's chunks import tacit.js by its plain URL).
 */
export function checkBase(base: string): { base: string; note?: string } {
  const absolute = /^https?:\/\//i.test(base);
  if (!absolute && !base.startsWith('/')) {
    throw new UsageError(`--base ${base}: must start with / (a path from the site's root, such as /tacit/) or https://`);
  }
  if (base.startsWith('//')) throw new UsageError(`--base ${base}: give the scheme (https://...) or a path from the site's root`);
  if (/[?#]/.test(base)) throw new UsageError(`--base ${base}: must have no query string or fragment (tacit.js is loaded by its plain URL)`);
  if (absolute) {
    try {
      new URL(base);
    } catch {
      throw new UsageError(`--base ${base}: not a valid URL`);
    }
  }
  if (base.endsWith('/')) return { base };
  return { base: `${base}/`, note: `--base ${base} names a folder: using ${base}/` };
}

/** The snippet's <script> element for Tacit's files under `base` (a checked folder URL). */
export function snippetTag(minified: string, base: string): string {
  const url = `${base}tacit.js`;
  // A JSON string is a JavaScript string; '<' escaped so that no URL can close the <script> element.
  const literal = JSON.stringify(url).replace(/</g, '\\u003c');
  const placeholder = /([`'"])SDK_URL\1/;
  if (!placeholder.test(minified)) throw new Error('the built snippet has no SDK_URL placeholder');
  return `<script>${minified.replace(placeholder, () => literal)}</script>`;
}

/** The CSP source that allows exactly this inline script. */
export function cspHash(tag: string): string {
  const code = tag.slice('<script>'.length, -'</script>'.length);
  return `'sha256-${createHash('sha256').update(code).digest('base64')}'`;
}

export async function runSnippet(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('snippet', argv, OPTIONS);
  if (values.help) {
    await write(io.stdout, `${SNIPPET_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`snippet: unexpected argument '${positionals[0]}' (the folder goes after --base)`);
  if (values.base === '') throw new UsageError('snippet: --base needs a URL, such as /tacit/');
  const { base, note } = checkBase(typeof values.base === 'string' ? values.base : '/tacit/');
  if (note) await write(io.stderr, `${PROGRAM} snippet: ${note}\n`);
  const tag = snippetTag(await minifiedSnippet(), base);
  await write(io.stdout, `${values.csp ? cspHash(tag) : tag}\n`);
  return 0;
}
