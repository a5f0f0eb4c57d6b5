// Demo stand-in for a session-replay recorder that captures form fields as the visitor types:
// a moment after each keystroke it uploads the e-mail field, normalised (trimmed, lower-cased) and
// hashed with SHA-256 as ad platforms match addresses, long before the form is submitted.
(function () {
  var timer = null;
  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  function upload(field) {
    var normalised = field.value.trim().toLowerCase();
    crypto.subtle.digest('SHA-256', new TextEncoder().encode(normalised)).then(function (digest) {
      var body = JSON.stringify({ org: 'DEMO1', evts: [{ kind: 'input', target: field.name, em: hex(digest) }] });
      fetch('https://rs.fullstory.com/rec/bundle?OrgId=DEMO1', { method: 'POST', mode: 'no-cors', body: body });
    });
  }
  // Each decision is marked on the field (data-replay: ignored / queued), the demo's witness that
  // the recorder saw the keystroke, so a test can tell "not sent" from "not sent yet".
  document.addEventListener('input', function (e) {
    if (e.target.type !== 'email') return;
    var queued = e.target.value.indexOf('@') >= 0;
    e.target.setAttribute('data-replay', queued ? 'queued' : 'ignored');
    if (!queued) return;
    clearTimeout(timer);
    timer = setTimeout(function () { upload(e.target); }, 300);
  }, true);
})();
