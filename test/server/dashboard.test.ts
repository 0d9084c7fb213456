// The dashboard and the exports: what a shop owner reads must say how sure each number is.
import { afterEach, describe, expect, it } from 'vitest';
import { csvField } from '../../server/aggregates-export.ts';
import { roughCount } from '../../server/dashboard-page.ts';
import { parseShopTaxonomy } from '../../server/taxonomy-file.ts';
import { EPOCH0, makeTestServer, postReport, reportBody, WEEK, type TestServer } from './helpers.ts';

const shopTaxonomy = parseShopTaxonomy(
  {
    segments: [
      { id: 1, name: 'Laptops', description: 'Notebook computers, ultrabooks, gaming laptops and laptop bags.' },
      { id: 2, name: 'Cameras <b>& lenses</b>', description: 'Mirrorless cameras, lenses, tripods.' },
      { id: 3, name: '=HYPERLINK("http://evil")', description: 'A name a spreadsheet would run as a formula.' },
    ],
  },
  'test taxonomy',
);

let server: TestServer;
afterEach(async () => {
  await server.close();
});

async function send(epoch: number, segments: number[], times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const response = await postReport(server.app, reportBody(epoch, segments, shopTaxonomy.version));
    expect(response.statusCode).toBe(202);
  }
}

describe('dashboard', () => {
  it('shows the reports received in the open epochs, rounded down to tens', async () => {
    server = await makeTestServer({}, { taxonomy: shopTaxonomy });
    await send(EPOCH0, [1, 0, 0], 37);
    await send(EPOCH0 - 1, [2, 0, 0], 4);
    const page = (await server.app.inject({ url: '/' })).body;
    expect(page).toContain(`Epoch ${EPOCH0} (now`);
    expect(page).toContain('about 30 reports so far');
    expect(page).toContain('fewer than 10 reports');
    expect(roughCount(0)).toBe('fewer than 10');
    expect(roughCount(129)).toBe('about 120');
  });

  it('shows each released segment with its 95% interval, a plain small-sample warning, the shop names escaped, and exports', async () => {
    server = await makeTestServer({ epsilon: 12, k: 5 }, { taxonomy: shopTaxonomy });
    await send(EPOCH0, [1, 0, 0], 70);
    await send(EPOCH0, [2, 0, 0], 12);
    server.clock.ms += WEEK * 1000;
    await send(EPOCH0 + 1, [1, 2, 0], 60);
    server.clock.ms += 2 * WEEK * 1000; // both epochs closed
    const page = (await server.app.inject({ url: '/' })).body;
    expect(page).toContain(`Epoch ${EPOCH0 + 1} <small>`);
    expect(page).toContain('95% interval');
    expect(page).toMatch(/<td>Laptops<\/td><td class="num">\d+<\/td><td class="num">-?\d+ – \d+<\/td>/);
    expect(page).toContain('Only about'); // 60 reports: the epoch-level warning
    expect(page).toContain('Cameras &#60;b&#62;&#38; lenses&#60;/b&#62;');
    expect(page).not.toContain('<b>&');
    expect(page).toContain('aria-label="Largest segments over the released epochs"'); // the chart over two epochs
    expect(page).toContain('href="/v1/aggregates.csv"');
    expect(page).toContain('off: anyone can send reports');
    expect(page).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org)/);

    const csv = await server.app.inject({ url: '/v1/aggregates.csv' });
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('taxonomy,epoch,starts_at,ends_at,reports,segment_id,segment_name,estimate,low_95,high_95,suppressed');
    expect(lines).toHaveLength(1 + 2 * 3); // two epochs × three segments
    expect(lines.some((line) => line.includes(`${EPOCH0},`) && line.includes(',1,Laptops,'))).toBe(true);
    expect(lines.some((line) => line.includes(`,3,"'=HYPERLINK(""http://evil"")",`))).toBe(true); // quoted and defused

    const json = (await server.app.inject({ url: '/v1/aggregates.json' })).json();
    expect(json.taxonomy.version).toBe(shopTaxonomy.version);
    expect(json.releases.map((r: { epoch: number }) => r.epoch)).toEqual([EPOCH0 + 1, EPOCH0]);
    const laptops = json.releases[1].segments.find((s: { id: number }) => s.id === 1);
    expect(laptops.low).toBeLessThanOrEqual(laptops.estimate);
    expect(laptops.high).toBeGreaterThanOrEqual(laptops.estimate);
  });

  it('csvField quotes separators and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
  });
});
