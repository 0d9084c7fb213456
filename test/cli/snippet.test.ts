// `tacit-sdk snippet --base /tacit/`: the exact <script> to paste, for the folder the shop serves Tacit
// from; bad folders are refused with one line (or, for a missing trailing slash, fixed with a note).

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { minifySync } from 'vite';
import { inProcess } from './run-cli.ts';

const ROOT = join(import.meta.dirname, '../..');
const minified = minifySync('snippet.js', readFileSync(join(ROOT, 'src/snippet.js'), 'utf8'), { compress: true, mangle: true }).code.trim();

describe('tacit-sdk snippet', () => {
  it('prints the minified snippet in a <script>, loading tacit.js from --base, and nothing on stderr', async () => {
    const run = await inProcess(['snippet', '--base', '/tacit/']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(`<script>${minified.replace('`SDK_URL`', '"/tacit/tacit.js"')}</script>\n`);
    // The default folder is /tacit/.
    expect((await inProcess(['snippet'])).stdout).toBe(run.stdout);
  });

  it('takes an https:// folder on the shop origin; escapes what could close the <script>', async () => {
    const run = await inProcess(['snippet', '--base', 'https://shop.example/assets/tacit/']);
    expect(run.stdout).toContain('(window,document,"https://shop.example/assets/tacit/tacit.js")');
    const hostile = await inProcess(['snippet', '--base', 'https://shop.example/</script><script>alert(1)/']);
    expect(hostile.code).toBe(0);
    expect(hostile.stdout.match(/<\/script>/g)).toHaveLength(1);
  });

  it('adds the missing trailing slash, with a note on stderr', async () => {
    const run = await inProcess(['snippet', '--base', '/static/tacit']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"/static/tacit/tacit.js"');
    expect(run.stderr).toBe('tacit-sdk snippet: --base /static/tacit names a folder: using /static/tacit/\n');
  });

  it('--csp prints the hash a Content-Security-Policy needs for exactly that script', async () => {
    const tag = (await inProcess(['snippet', '--base', '/tacit/'])).stdout.trim();
    const code = tag.slice('<script>'.length, -'</script>'.length);
    const csp = await inProcess(['snippet', '--base', '/tacit/', '--csp']);
    expect(csp.stdout).toBe(`'sha256-${createHash('sha256').update(code).digest('base64')}'\n`);
  });

  it('refuses a relative folder, a query string or fragment, a scheme-relative URL, a stray argument (exit 2, one line)', async () => {
    const cases: [string[], RegExp][] = [
      [['--base', 'tacit/'], /--base tacit\/: must start with \/ \(a path from the site's root, such as \/tacit\/\) or https:\/\//],
      [['--base', '/tacit/?v=2'], /must have no query string or fragment/],
      [['--base', '/tacit/#x'], /must have no query string or fragment/],
      [['--base', '//cdn.example/tacit/'], /give the scheme/],
      [['--base', ''], /--base needs a URL/],
      [['/tacit/'], /unexpected argument '\/tacit\/' \(the folder goes after --base\)/],
    ];
    for (const [args, message] of cases) {
      const run = await inProcess(['snippet', ...args]);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr).toMatch(/^tacit-sdk snippet: /);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });
});
