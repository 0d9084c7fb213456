// The paste-in snippet. It defines window.tacit as a queue: each call is kept, in order, with the
// resolver of the promise it returns, until the SDK (loaded async, never render-blocking) replays it.
// Pasting it twice is harmless: the second copy sees the first and does nothing.
// Build output: dist/snippet.min.js. Replace SDK_URL with where tacit.js is served.
(function (w, d, url) {
  var t = (w.tacit = w.tacit || []);
  if (t.loaded || t.queued) return;
  t.queued = 1;
  'init track page consent forget export recommend segments sync inspect on'.split(' ').forEach(function (m) {
    t[m] = function () {
      var a = [].slice.call(arguments);
      return new Promise(function (r) {
        t.push([m, a, r]);
      });
    };
  });
  var s = d.createElement('script');
  s.type = 'module';
  s.async = true;
  // Pages that enforce Trusted Types need a policy (the shop allows it with `trusted-types tacit`). It
  // only vouches for Tacit's own files (the folder tacit.js is in), so no other script can use it to
  // load code the page's policy would refuse.
  try {
    var base = new URL(url.slice(0, url.lastIndexOf('/') + 1), d.baseURI).href;
    var p = w.trustedTypes && w.trustedTypes.createPolicy('tacit', {
      createScriptURL: function (u) {
        if (new URL(u, d.baseURI).href.indexOf(base) === 0) return u;
        throw new TypeError('[tacit] not a Tacit file: ' + u);
      },
    });
    t.p = p;
    s.src = p ? p.createScriptURL(url) : url;
    (d.head || d.documentElement).appendChild(s);
  } catch (e) {
    console.warn('[tacit] could not load: ' + e);
  }
})(window, document, 'SDK_URL');
