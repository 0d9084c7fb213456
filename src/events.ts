// Validation of behaviour events: the required properties of each known event come from
// core/event-kinds.ts (names follow Segment's e-commerce spec). Validation never throws: it returns a
// clean copy or the reason it refused.

import { eventRow } from '../core/event-kinds.ts';
import type { Properties } from './types.ts';

export const LIMITS = {
  eventNameLength: 100,
  keys: 50,
  keyLength: 64,
  stringLength: 500,
  arrayLength: 50,
  depth: 3,
} as const;

// Keys that could reach an object's prototype chain when a stored event is later merged or spread.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type ValidationResult =
  | { ok: true; event: string; properties: Properties; warnings: string[] }
  | { ok: false; error: string };

export function validateEvent(name: unknown, properties: unknown): ValidationResult {
  if (typeof name !== 'string' || name.trim() === '') {
    return { ok: false, error: 'track(event, properties): event must be a non-empty string' };
  }
  const event = name.trim();
  if (event.length > LIMITS.eventNameLength) {
    return { ok: false, error: `track("${event.slice(0, 40)}…"): event name is longer than ${LIMITS.eventNameLength} characters` };
  }
  if (properties !== undefined && properties !== null && !isPlainObject(properties)) {
    return { ok: false, error: `track("${event}"): properties must be a plain object` };
  }
  const warnings: string[] = [];
  const clean = cleanObject((properties ?? {}) as Record<string, unknown>, 1, `track("${event}")`, warnings);

  const required = eventRow(event)?.required;
  if (required) {
    for (const key of required) {
      const problem = checkRequired(key, clean[key]);
      if (problem) return { ok: false, error: `track("${event}"): ${problem}` };
    }
  }
  if (clean.product_id !== undefined) clean.product_id = String(clean.product_id);
  if (Array.isArray(clean.products)) {
    for (const p of clean.products) {
      if (isPlainObject(p) && p.product_id !== undefined) (p as Properties).product_id = String(p.product_id);
    }
  }
  return { ok: true, event, properties: clean, warnings };
}

function checkRequired(key: string, value: unknown): string | null {
  switch (key) {
    case 'product_id':
    case 'order_id':
      if (typeof value === 'number' && Number.isFinite(value)) return null;
      if (typeof value === 'string' && value.trim() !== '') return null;
      return `${key} is required (a non-empty string or a number)`;
    case 'query':
      return typeof value === 'string' && value.trim() !== '' ? null : 'query is required (a non-empty string)';
    case 'products':
      if (!Array.isArray(value)) return 'products is required (an array of { product_id, ... })';
      for (const [i, p] of value.entries()) {
        if (!isPlainObject(p) || checkRequired('product_id', (p as Properties).product_id)) {
          return `products[${i}].product_id is required`;
        }
      }
      return null;
    default:
      return value === undefined ? `${key} is required` : null;
  }
}

function cleanObject(input: Record<string, unknown>, depth: number, where: string, warnings: string[]): Properties {
  const out: Properties = Object.create(null);
  let kept = 0;
  for (const key of Object.keys(input)) {
    if (FORBIDDEN_KEYS.has(key)) {
      warnings.push(`${where}: dropped property "${key}"`);
      continue;
    }
    if (key.length > LIMITS.keyLength) {
      warnings.push(`${where}: dropped property with a key longer than ${LIMITS.keyLength} characters`);
      continue;
    }
    if (kept >= LIMITS.keys) {
      warnings.push(`${where}: kept the first ${LIMITS.keys} properties`);
      break;
    }
    const value = cleanValue(input[key], depth, `${where}.${key}`, warnings);
    if (value === undefined) continue;
    out[key] = value;
    kept++;
  }
  // A null-prototype object is safe internally; a plain one is friendlier to the shop's code and to JSON.
  return Object.assign({}, out);
}

function cleanValue(value: unknown, depth: number, where: string, warnings: string[]): unknown {
  switch (typeof value) {
    case 'string':
      if (value.length > LIMITS.stringLength) {
        warnings.push(`${where}: cut to ${LIMITS.stringLength} characters`);
        return value.slice(0, LIMITS.stringLength);
      }
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      warnings.push(`${where}: dropped a non-finite number`);
      return undefined;
    case 'boolean':
      return value;
    case 'object':
      if (value === null) return null;
      if (depth >= LIMITS.depth) {
        warnings.push(`${where}: dropped, nested deeper than ${LIMITS.depth} levels`);
        return undefined;
      }
      if (Array.isArray(value)) {
        if (value.length > LIMITS.arrayLength) warnings.push(`${where}: kept the first ${LIMITS.arrayLength} items`);
        return value
          .slice(0, LIMITS.arrayLength)
          .map((v, i) => cleanValue(v, depth + 1, `${where}[${i}]`, warnings))
          .filter((v) => v !== undefined);
      }
      if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.toISOString() : undefined;
      if (isPlainObject(value)) return cleanObject(value as Record<string, unknown>, depth + 1, where, warnings);
      warnings.push(`${where}: dropped a value that is not plain data`);
      return undefined;
    default:
      // functions, symbols, bigint, undefined: not data we can store.
      if (value !== undefined) warnings.push(`${where}: dropped a ${typeof value}`);
      return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
