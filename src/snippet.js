// The paste-in snippet. It defines window.tacit as a queue: each call is kept, in order, with the
// resolver of the promise it returns, until the SDK (loaded async, never render-blocking) replays it.
// Pasting it twice is harmless: the second copy sees the first and does nothing.
// If tacit.js fails to load (a wrong URL, a blocked request) or has not run after 10 s, every call
// made so far and from then on answers at once with the safe value src/api.ts answers when a call
// fails (test/sdk/snippet.test.ts holds the two lists together), and one [tacit] warning says why. The
// calls stay queued: should tacit.js arrive after all, it replays them and nothing is lost.
// Build output: dist/tacit/snippet.min.js. `tacit-sdk snippet --base /tacit/` prints it ready to paste,
// with SDK_URL replaced by where tacit.js is served.
(function (w, d, url) {
  var t = (w.tacit = w.tacit || []);
  if (t.loaded || t.queued) return;
  t.queued = 1;
  var failed;
  // src/api.ts's safe answers, a fresh copy for each call.
  var safe = (m) => ({ consent: 'pending', export: null, recommend: { items: [], strategy: 'error' }, segments: [], sync: { sent: false, reason: 'error' }, inspect: {}, on: () => {} })[m];
  var fail = () => {
    if (failed || w.tacit.loaded) return;
    failed = 1;
    console.warn('[tacit] ' + url + ' did not load: calls get safe answers');
    t.forEach((c) => c[2](safe(c[0])));
  };
  'init track page consent forget export recommend segments sync inspect on'.split(' ').forEach((m) => {
    t[m] = (...a) =>
      new Promise((r) => {
        t.push([m, a, r]);
        if (failed) r(safe(m));
      });
  });
  var s = d.createElement('script');
  s.type = 'module'; // (a script added by a script is async already: it never blocks rendering)
  s.onerror = fail;
  setTimeout(fail, 1e4);
  // Pages that enforce Trusted Types need a policy (the shop allows it with `trusted-types tacit`). It
  // only vouches for Tacit's own files (the folder tacit.js is in), so no other script can use it to
  // load code the page's policy would refuse.
  try {
    var base = new URL(url.slice(0, url.lastIndexOf('/') + 1), d.baseURI).href;
    var p = w.trustedTypes && w.trustedTypes.createPolicy('tacit', {
      createScriptURL: (u) => {
        if (new URL(u, d.baseURI).href.indexOf(base) === 0) return u;
        throw new TypeError('[tacit] not a Tacit file: ' + u);
      },
    });
    t.p = p;
    s.src = p ? p.createScriptURL(url) : url;
    d.head.appendChild(s); // (the snippet is in <head>: it exists)
  } catch (e) {
    fail();
  }
})(window, document, 'SDK_URL');
