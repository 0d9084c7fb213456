/**
 * Finds a key that occurs twice in one object of a JSON text.
 *
 * JSON.parse silently keeps the last value of a repeated key, while other
 * parsers keep the first: a report that says "epoch" twice means different
 * things to different readers, so the server refuses it instead of guessing.
 *
 * The text must already be valid JSON (JSON.parse accepted it); the scan then
 * only has to track nesting and tell keys (a string followed by ':') from
 * string values. Keys are compared decoded, so "\u0065poch" equals "epoch".
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** The first repeated key (decoded), or null when every object's keys are distinct. */
export function findDuplicateKey(validJson: string): string | null {
  // One entry per open container: the keys seen so far in an object, null for an array.
  const open: (Set<string> | null)[] = [];
  for (let i = 0; i < validJson.length; i++) {
    const code = validJson.charCodeAt(i);
    if (code === OPEN_OBJECT) open.push(new Set());
    else if (code === OPEN_ARRAY) open.push(null);
    else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) open.pop();
    else if (code === QUOTE) {
      const start = i;
      i++;
      while (validJson.charCodeAt(i) !== QUOTE) i += validJson.charCodeAt(i) === BACKSLASH ? 2 : 1;
      const keys = open.at(-1);
      if (keys === undefined || keys === null) continue; // a string at top level or in an array
      let next = i + 1;
      while (isJsonWhitespace(validJson.charCodeAt(next))) next++;
      if (validJson.charCodeAt(next) !== COLON) continue; // a string value, not a key
      const key = JSON.parse(validJson.slice(start, i + 1)) as string;
      if (keys.has(key)) return key;
      keys.add(key);
    }
  }
  return null;
}
