// Isolated-world watcher for key logging: tells the service worker what the user types into
// text fields, so it can recognise that text (or its hash) in a third-party request sent before
// the form is submitted. The worker holds the values in memory for this tab only and stores just
// "field → receiving host, encoding". On submit the form's values are withdrawn: sending them is
// then what the user asked for.
//
// Pages are hostile: a synthetic `input` (no typing) would create a leak, a synthetic `submit`
// would withdraw values before the tracker's request is checked. Only events the browser made
// (`isTrusted`) count, and a submit only when the user just acted (a click or a key: transient
// user activation), not when a script calls `form.requestSubmit()` on its own. The worker applies
// a submit after the requests that came before it, so it never erases a leak already sent.
//
// Trusted is not enough for input: text a script inserts with `document.execCommand('insertText')`
// arrives as a trusted `input` event too. But the browser fires no `beforeinput` for execCommand
// (Input Events), while the user's own typing, pasting, dropping, dictation or IME composition
// each fire a trusted `beforeinput` on the field first, with the same `inputType` and `data`. So
// an input counts only when it answers its field's last trusted beforeinput.
(() => {
  const TEXT_TYPES = new Set(['text', 'email', 'tel', 'search', 'url', 'password', 'number', '']);
  const MAX_VALUE = 256;
  const MIN_VALUE = 5;

  function fieldName(el) {
    return String(el.name || el.id || el.type || el.tagName).slice(0, 80);
  }

  function isTextField(el) {
    return el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && TEXT_TYPES.has(el.type));
  }

  const announced = new WeakMap(); // field -> { inputType, data } of its last trusted beforeinput

  tracklensListen(document, 'beforeinput', (event) => {
    if (event.isTrusted && isTextField(event.target)) announced.set(event.target, { inputType: event.inputType, data: event.data });
  }, true);

  tracklensListen(document, 'input', (event) => {
    if (!event.isTrusted) return;
    const el = event.target;
    const before = announced.get(el);
    announced.delete(el);
    if (before?.inputType !== event.inputType || before.data !== event.data) return;
    if (!isTextField(el) || el.value.length < MIN_VALUE) return;
    chrome.runtime.sendMessage({ type: 'tracklens/typed', field: fieldName(el), value: el.value.slice(0, MAX_VALUE) }).catch(() => {});
  }, true);

  tracklensListen(document, 'submit', (event) => {
    if (!event.isTrusted || navigator.userActivation?.isActive === false) return;
    const fields = [...(event.target?.elements ?? [])].filter(isTextField).map(fieldName);
    chrome.runtime.sendMessage({ type: 'tracklens/submitted', fields }).catch(() => {});
  }, true);
})();
