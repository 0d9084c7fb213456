// The shop's listeners (tacit.on): a plain event bus. A listener that throws is reported, never
// allowed to break Tacit or the other listeners.

import type { TacitEventName } from './types.ts';
import { describe, type Warnings } from './warn.ts';

export type Listener = (detail: unknown) => void;

export class Listeners {
  private readonly byName = new Map<string, Set<Listener>>();

  constructor(private readonly warnings: Warnings) {}

  on(name: TacitEventName, listener: Listener): () => void {
    if (typeof listener !== 'function') {
      this.warnings.report('invalid-listener', `on("${String(name)}", listener): listener must be a function`);
      return () => {};
    }
    let set = this.byName.get(name);
    if (!set) this.byName.set(name, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  emit(name: TacitEventName, detail: unknown): void {
    for (const listener of this.byName.get(name) ?? []) {
      try {
        listener(detail);
      } catch (error) {
        this.warnings.report('listener-threw', `a listener for "${name}" threw: ${describe(error)}`);
      }
    }
  }
}
