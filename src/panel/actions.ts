// The QA panel's buttons: each calls one public tacit method and says in plain words what happened.

import { text } from './snapshot.ts';
import type { TacitApi } from '../types.ts';

/** What the panel uses of the SDK: the public calls, and the version it shows. */
export type PanelApi = Pick<TacitApi, 'inspect' | 'consent' | 'forget' | 'export' | 'sync' | 'on'> & { readonly version: string };

export function wireActions(
  api: PanelApi,
  el: (testid: string) => HTMLElement,
  message: (text: string, kind?: 'ok' | 'error') => void,
  refresh: () => Promise<void>,
): void {
  const action = (testid: string, run: () => Promise<string>) => {
    el(testid).addEventListener('click', async () => {
      const button = el(testid) as HTMLButtonElement;
      button.disabled = true;
      message('Working…');
      try {
        message(await run());
      } catch (error) {
        message(`Failed: ${error instanceof Error ? error.message : String(error)}`, 'error');
      } finally {
        button.disabled = false;
        void refresh();
      }
    });
  };
  action('btn-consent-grant', async () => `Consent is now ${text(await api.consent('granted'))}.`);
  action('btn-consent-deny', async () => `Consent is now ${text(await api.consent('denied'))}.`);
  action('btn-forget', async () => {
    await api.forget();
    return 'Forgot everything: all Tacit data on this device was deleted.';
  });
  action('btn-export', async () => {
    const data = await api.export();
    if (!data) throw new Error('export() returned nothing');
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `tacit-export-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    return `Exported ${Array.isArray(data.events) ? data.events.length : 'your'} events to ${link.download}.`;
  });
  action('btn-sync', async () => `Sync: ${text(await api.sync())}`);
}
