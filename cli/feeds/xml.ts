// Just enough XML for product feeds (RSS 2.0 and Atom, as Google Merchant Center reads them): the
// records (<item> or <entry>) and, for each, its child elements' text by name. Nested elements inside
// a field (g:shipping's g:country) are skipped, CDATA and the five entities and character references
// are decoded. A DOCTYPE is refused (no entity expansion, no external entities). Not a general parser.

import { FeedError } from './feed-row.ts';

export class XmlError extends FeedError {
  override name = 'XmlError';
}

export interface XmlRecord {
  /** 1-based line of the record's start tag, for error messages. */
  line: number;
  /** Child element name (with its prefix, e.g. 'g:price') → text; the first occurrence wins. */
  fields: Map<string, string>;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** Text of an HTML fragment: tags removed (block ends become spaces), entities decoded, spaces collapsed. */
export function htmlText(html: string): string {
  return decodeEntities(html.replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ').replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The records of a feed: every element named `item` or `entry` (RSS or Atom), wherever it is, with the
 * text of each of its direct children (for an empty element, its href attribute: Atom's <link href/>).
 */
export function readFeedRecords(xml: string): XmlRecord[] {
  if (/<!DOCTYPE/i.test(xml)) throw new XmlError('the feed has a DOCTYPE, which Tacit does not read (remove it)');
  const records: XmlRecord[] = [];
  // Tokens: comments, CDATA, processing instructions, tags (with their attributes), text, a stray '<'.
  const token = /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>|([^<]+)|(<)/g;
  /** Open elements; the record's level is its index + 1. */
  let depth = 0;
  let record: XmlRecord | null = null;
  let recordLevel = 0;
  let field: { name: string; text: string } | null = null;
  let line = 1;
  let counted = 0;
  const lineAt = (index: number) => {
    for (let i = counted; i < index; i++) if (xml.charCodeAt(i) === 10) line++;
    counted = index;
    return line;
  };
  for (const match of xml.matchAll(token)) {
    const [, cdata, close, name, attributes, selfClosing, text, stray] = match;
    if (stray !== undefined) throw new XmlError(`line ${lineAt(match.index)}: a '<' that starts no tag (write &lt; in text)`);
    if (text !== undefined || cdata !== undefined) {
      if (field && depth === recordLevel + 1) field.text += cdata ?? decodeEntities(text!);
      continue;
    }
    if (name === undefined) continue; // a comment or a processing instruction
    const isRecord = /^(?:[\w.-]+:)?(?:item|entry)$/.test(name);
    if (selfClosing) {
      if (record && depth === recordLevel && !record.fields.has(name)) {
        const href = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(attributes ?? '');
        record.fields.set(name, href ? decodeEntities(href[1] ?? href[2] ?? '').trim() : '');
      }
      continue;
    }
    if (close) {
      const level = depth--;
      if (level === 0) throw new XmlError(`line ${lineAt(match.index)}: </${name}> closes nothing`);
      if (record && field && level === recordLevel + 1) {
        if (!record.fields.has(field.name)) record.fields.set(field.name, field.text.trim());
        field = null;
      } else if (record && level === recordLevel) {
        records.push(record);
        record = null;
      }
      continue;
    }
    depth++;
    if (!record && isRecord) {
      record = { line: lineAt(match.index), fields: new Map() };
      recordLevel = depth;
    } else if (record && depth === recordLevel + 1) {
      field = { name, text: '' };
    }
  }
  if (depth !== 0 || record) throw new XmlError('the feed ends inside an element (is the file complete?)');
  return records;
}
