// A hostile page that rewrites itself to blind TrackLens: document.open() erases every event
// listener on the document, its nodes and the window, the isolated world's included, so a relay
// or key-logging watch that listens there hears nothing afterwards. Reports each step to its own
// server (GET /hostile-log?step=...), the tests' witness of what it did.
(function () {
  function log(step) {
    return fetch('/hostile-log?step=' + encodeURIComponent(step), { cache: 'no-store' }).catch(function () {});
  }
  // Real fingerprinting before the rewrite (attributed to this script).
  var canvas = document.createElement('canvas');
  canvas.getContext('2d').fillText('before', 2, 2);
  canvas.toDataURL();

  document.addEventListener('DOMContentLoaded', function () {
    document.getElementById('reopen').addEventListener('click', function () {
      // First a new root element (listeners on the document survive that), then a new document
      // in the same window: the written page runs hostile-late.js.
      var root = document.createElement('html');
      root.appendChild(document.createElement('body')).textContent = 'replaced root';
      document.replaceChild(root, document.documentElement);
      document.open();
      document.write('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rewritten</title>' +
        '<script src="/static/hostile-late.js"><\/script></head><body><h1>Hostile page, rewritten</h1>' +
        '<form id="signup" action="/subscribed.html" method="get"><label for="email">E-mail</label>' +
        '<input id="email" name="email" type="email"><button type="submit">Sign up</button></form></body></html>');
      document.close();
      log('reopened');
    });
  });
})();
