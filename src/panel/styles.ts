// The QA panel's styles, added to the page with the panel (a constructed style sheet where the browser has
// them: a page's style-src policy does not apply to it). Every class is prefixed tp- so none collides
// with a shop's own styles.

export const PANEL_CSS = `
.tp-panel [hidden], .tp-panel[hidden] { display: none !important; }
.tp-toggle {
  position: fixed; right: 1rem; bottom: 1rem; z-index: 1000; display: flex; align-items: center; gap: 0.5em;
  font: 600 0.85rem/1 system-ui, sans-serif; padding: 0.7em 1.1em; border-radius: 999px; border: 0;
  background: #1d2433; color: #fff; box-shadow: 0 6px 20px rgb(0 0 0 / 25%); cursor: pointer;
}
.tp-toggle:hover { background: #2a3347; }
.tp-dot { width: 0.6em; height: 0.6em; border-radius: 50%; background: #8a93a6; }
.tp-toggle[data-consent='granted'] .tp-dot { background: #4ade80; }
.tp-toggle[data-consent='denied'] .tp-dot { background: #f87171; }
.tp-toggle[data-consent='pending'] .tp-dot { background: #fbbf24; }
body.tp-open .tp-toggle { right: calc(min(440px, 100vw) + 1rem); }

.tp-panel {
  position: fixed; top: 0; right: 0; bottom: 0; width: min(440px, 100vw); z-index: 1001; display: flex; flex-direction: column;
  background: #fbfbfd; color: #1d2433; border-left: 1px solid #d9dde6; box-shadow: -10px 0 30px rgb(0 0 0 / 12%);
  font: 0.86rem/1.45 system-ui, sans-serif;
}
.tp-panel[hidden] { display: none; }
.tp-panel h3 { font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.08em; color: #6b7385; margin: 1.2rem 0 0.4rem; }
.tp-panel button { font: inherit; font-size: 0.82rem; padding: 0.35em 0.8em; border-radius: 6px; border: 1px solid #cfd5e1; background: #fff; color: #1d2433; cursor: pointer; }
.tp-panel button:hover { border-color: #4f46e5; }
.tp-panel button.danger { color: #b42318; }
.tp-panel button:disabled { opacity: 0.5; }
.tp-head { display: flex; justify-content: space-between; align-items: center; padding: 0.8rem 1rem; background: #1d2433; color: #fff; }
.tp-head strong { margin-right: 0.6em; }
.tp-status { font-size: 0.75rem; padding: 0.15em 0.6em; border-radius: 999px; background: #3b4358; }
.tp-status[data-state='ready'] { background: #166534; }
.tp-status[data-state='not-loaded'] { background: #7c2d12; }
.tp-panel .tp-close { background: transparent; color: #fff; border: 0; font-size: 1.4rem; line-height: 1; padding: 0 0.2em; }
.tp-tabs { display: flex; border-bottom: 1px solid #d9dde6; background: #fff; padding: 0 0.5rem; overflow-x: auto; }
.tp-panel .tp-tabs button { border: 0; border-bottom: 2px solid transparent; border-radius: 0; background: none; padding: 0.65em 0.7em; color: #6b7385; white-space: nowrap; }
.tp-panel .tp-tabs button[aria-selected='true'] { color: #4f46e5; border-bottom-color: #4f46e5; font-weight: 600; }
.tp-body { flex: 1; overflow-y: auto; padding: 0 1rem 1.5rem; }
.tp-body section[hidden] { display: none; }
.tp-kv { display: grid; grid-template-columns: 9.5em 1fr; gap: 0.25rem 0.8rem; margin: 0; }
.tp-kv dt { color: #6b7385; }
.tp-kv dd { margin: 0; font-family: ui-monospace, 'SFMono-Regular', Menlo, monospace; font-size: 0.8rem; word-break: break-all; }
.tp-buttons { display: flex; flex-wrap: wrap; gap: 0.4rem; margin-top: 0.7rem; }
.tp-message { min-height: 1.2em; margin: 0.5rem 0 0; font-size: 0.8rem; color: #166534; }
.tp-message[data-kind='error'] { color: #b42318; }
.tp-progress { display: flex; align-items: center; gap: 0.6rem; margin-top: 0.5rem; }
.tp-progress progress { flex: 1; height: 0.6rem; accent-color: #4f46e5; }
.tp-small { font-size: 0.76rem; color: #6b7385; margin: 0.2rem 0; }
.tp-toolbar { display: flex; gap: 0.6rem; align-items: center; margin: 0.8rem 0; }
.tp-toolbar input { flex: 1; font: inherit; padding: 0.35em 0.6em; border: 1px solid #cfd5e1; border-radius: 6px; }
.tp-toolbar span { font-size: 0.76rem; color: #6b7385; white-space: nowrap; }
.tp-events, .tp-bars, .tp-recs { list-style: none; margin: 0; padding: 0; }
.tp-events li { display: grid; grid-template-columns: auto auto 1fr; gap: 0 0.5rem; padding: 0.4rem 0; border-bottom: 1px solid #eceef3; }
.tp-events code { grid-column: 1 / -1; font-size: 0.74rem; color: #4b5366; word-break: break-all; background: #f1f3f8; border-radius: 4px; padding: 0.15rem 0.35rem; margin-top: 0.15rem; }
.tp-seq, .tp-time { font-family: ui-monospace, Menlo, monospace; font-size: 0.74rem; color: #8a93a6; }
.tp-bars li { display: grid; grid-template-columns: 1fr 90px 3.6em; gap: 0.6rem; align-items: center; padding: 0.3rem 0; border-bottom: 1px solid #eceef3; }
.tp-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.tp-bar { height: 0.45rem; background: #e7e9f2; border-radius: 999px; overflow: hidden; }
.tp-bar > span { display: block; height: 100%; background: #6366f1; border-radius: 999px; }
.tp-num { font-family: ui-monospace, Menlo, monospace; font-size: 0.78rem; text-align: right; }
.tp-recs li { padding: 0.5rem 0; border-bottom: 1px solid #eceef3; }
.tp-recs li > div:first-child { display: flex; gap: 0.4rem; align-items: baseline; }
.tp-recs .tp-num { margin-left: auto; }
.tp-rank { display: inline-block; min-width: 1.5em; color: #8a93a6; font-family: ui-monospace, Menlo, monospace; }
.tp-reason { font-size: 0.78rem; color: #4b5366; margin: 0.15rem 0 0 1.9em; }
.tp-kind { font-size: 0.68rem; text-transform: uppercase; letter-spacing: 0.05em; background: #eef0ff; color: #4338ca; border-radius: 4px; padding: 0 0.35em; }
.tp-empty { color: #8a93a6; font-style: italic; padding: 0.4rem 0; }
.tp-raw { font-family: ui-monospace, Menlo, monospace; font-size: 0.78rem; background: #1d2433; color: #d7f7e5; border-radius: 8px; padding: 0.7rem; white-space: pre-wrap; word-break: break-all; margin: 0 0 0.6rem; }
.tp-recs .tp-small { white-space: nowrap; }
`;

export function addPanelStyles(): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(PANEL_CSS);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = PANEL_CSS;
    document.head.append(style);
  }
}
