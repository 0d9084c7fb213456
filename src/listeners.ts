// The shop's listeners (tacit.on): a plain event bus. A listener that throws is reported, never
// allowed to break Tacit or the other listeners. An unknown event name is reported, not kept: it would
// never fire. A "sticky" event (the QA panel's) also reaches listeners that come after it.

import type { TacitEventName } from './types.ts';
import { describe, type Warnings } from './warn.ts';

export type Listener = (detail: unknown) => void;

/** Every event Tacit emits (types.ts TacitEventName, which this list must match). */
export const EVENT_NAMES = ['ready', 'consent', 'stored', 'model-progress', 'model-ready', 'recommendations', 'report', 'error', 'panel'] as const satisfies readonly TacitEventName[];
type Missing = Exclude<TacitEventName, (typeof EVENT_NAMES)[number]>;
const everyNameListed: Missing extends never ? true : Missing = true;
void everyNameListed;

export class Listeners {
  private readonly byName = new Map<string, Set<Listener>>();
  private readonly sticky = new Map<string, unknown>();
  /** Sees every event first (the debug log, debug.ts). */
  tap: ((name: TacitEventName, detail: unknown) => void) | undefined;

  constructor(private readonly warnings: Warnings) {}

  on(name: TacitEventName, listener: Listener): () => void {
    if (!(EVENT_NAMES as readonly unknown[]).includes(name)) {
      this.warnings.report('invalid-listener', `on(${JSON.stringify(name) ?? String(name)}, listener): no such event; the events are ${EVENT_NAMES.join(', ')}`);
      return () => {};
    }
    if (typeof listener !== 'function') {
      this.warnings.report('invalid-listener', `on("${String(name)}", listener): listener must be a function`);
      return () => {};
    }
    let set = this.byName.get(name);
    if (!set) this.byName.set(name, (set = new Set()));
    set.add(listener);
    if (this.sticky.has(name)) {
      const detail = this.sticky.get(name);
      queueMicrotask(() => set.has(listener) && this.call(name, listener, detail));
    }
    return () => set.delete(listener);
  }

  emit(name: TacitEventName, detail: unknown, options: { sticky?: boolean } = {}): void {
    if (options.sticky) this.sticky.set(name, detail);
    this.tap?.(name, detail);
    for (const listener of this.byName.get(name) ?? []) this.call(name, listener, detail);
  }

  private call(name: string, listener: Listener, detail: unknown): void {
    try {
      listener(detail);
    } catch (error) {
      this.warnings.report('listener-threw', `a listener for "${name}" threw: ${describe(error)}`);
    }
  }
}
