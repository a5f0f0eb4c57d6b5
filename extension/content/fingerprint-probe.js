// Page-world probe (MAIN world, document_start): counts the browser APIs fingerprinting scripts
// use, per calling script, and hands the counts to TrackLens' isolated relay.
//
// The page shares this world and is hostile, so three things keep its forgeries out and keep it
// from blinding the probe:
// - A private channel. The relay (isolated world, injected right after this probe, still before
//   any page script) hands over a node that is in no document, once, as the `relatedTarget` of
//   its `HELLO` event; the probe keeps the first and ignores every later hello. Counts travel
//   only as events dispatched on that node, and the relay listens to nothing else. No page script
//   ever holds a reference to the node, so none can dispatch on it or listen to it; and as it is
//   in no document, `document.open()`, which erases every listener on the document, its nodes and
//   the window, does not touch the channel.
// - Native functions captured before page scripts run. Everything the probe calls later
//   (dispatching, serialising, reading stacks) is a captured original called through a captured
//   `Reflect.apply`, and its counts live in prototype-less objects, so a page that replaces
//   built-ins or prototypes afterwards cannot change what the probe reports. A page that sets
//   `Error.prepareStackTrace` could make stacks name another script: the probe then attributes
//   the call to the page itself.
// - Listeners that come back. The probe's own listeners on the window and the document (sending
//   the counts as the page goes) are added again whenever the document's children are replaced,
//   which `document.open()` does: a mutation observer is not erased with the listeners.
// Wrapped functions call the originals with the same arguments and return what they return.
(() => {
  const HELLO = 'tracklens:relay-hello';
  const MAX_SCRIPTS = 50;
  const MAX_FONTS = 500;
  const MAX_NAMES = 32;
  const FLUSH_MS = 500;
  // Each recorded call costs a stack trace; past this many the probe stops recording, so a page
  // reading navigator.userAgent in a loop is not slowed down (the picture is complete by then).
  const MAX_CALLS = 5000;
  const UNMASKED_VENDOR = 0x9245;
  const UNMASKED_RENDERER = 0x9246;
  const NAVIGATOR = ['userAgent', 'platform', 'language', 'languages', 'hardwareConcurrency', 'deviceMemory', 'plugins',
    'mimeTypes', 'doNotTrack', 'maxTouchPoints', 'vendor', 'webdriver', 'cookieEnabled', 'connection'];
  const SCREEN = ['width', 'height', 'availWidth', 'availHeight', 'colorDepth', 'pixelDepth'];

  const CHANNEL_EVENT = 'tracklens:fingerprint';
  const { apply, defineProperty, getOwnPropertyDescriptor } = Reflect;
  const NativeError = Error;
  const NativeCustomEvent = CustomEvent;
  const NativeMutationObserver = MutationObserver;
  const { observe } = NativeMutationObserver.prototype;
  const stringify = JSON.stringify;
  const create = Object.create;
  const { setTimeout: nativeSetTimeout, clearTimeout: nativeClearTimeout } = window;
  const { exec } = RegExp.prototype;
  const { slice, trim } = String.prototype;
  const { addEventListener, removeEventListener, dispatchEvent } = EventTarget.prototype;
  const stackGetter = (error) => error.stack; // an own property of each error in V8
  const pageUrl = location.href;
  const SCRIPT_IN_STACK = /https?:\/\/[^\s)]+?(?=:\d+:\d+)/;
  const FONT_FAMILY = /(?:^|\s)\d+(?:\.\d+)?(?:px|pt|em|rem|%)\s+['"]?([^,'"]{1,100})/;

  const { get: relatedTarget } = getOwnPropertyDescriptor(MouseEvent.prototype, 'relatedTarget');
  let channel = null;
  function onHello(event) {
    const node = apply(relatedTarget, event, []);
    if (channel === null && node !== null) channel = node;
    apply(removeEventListener, document, [HELLO, onHello]);
  }
  apply(addEventListener, document, [HELLO, onHello]);

  // script -> { canvas_readback, webgl_unmasked, audio, fonts, navigator, screen } (the last two
  // as name -> true), and script -> font families seen; all prototype-less, so page changes to
  // Object.prototype cannot reach them.
  const usage = create(null);
  const fontsSeen = create(null);
  let scriptCount = 0;
  let timer = null;
  let calls = 0;

  function callerScript() {
    if (getOwnPropertyDescriptor(NativeError, 'prepareStackTrace')) return pageUrl;
    const stack = stackGetter(new NativeError());
    const found = typeof stack === 'string' ? apply(exec, SCRIPT_IN_STACK, [stack]) : null;
    return found ? found[0] : pageUrl;
  }

  function entry(script) {
    let use = usage[script];
    if (!use) {
      if (scriptCount >= MAX_SCRIPTS) return null;
      scriptCount += 1;
      use = create(null);
      use.canvas_readback = 0;
      use.webgl_unmasked = 0;
      use.audio = 0;
      use.fonts = 0;
      use.navigator = create(null);
      use.screen = create(null);
      usage[script] = use;
      fontsSeen[script] = create(null);
    }
    return use;
  }

  function flush() {
    timer = null;
    if (channel === null) return; // no relay answered: nothing can receive the counts
    // The relay reads names as objects' keys; JSON.stringify of prototype-less objects and
    // primitives consults nothing the page can change.
    const detail = stringify({ __proto__: null, page: pageUrl, scripts: usage });
    apply(dispatchEvent, channel, [new NativeCustomEvent(CHANNEL_EVENT, { __proto__: null, detail, bubbles: false, cancelable: false, composed: false })]);
  }

  // A page closed or left before the timer fires would lose its counts: send them as it goes.
  // (A pagehide listener also keeps Chromium from skipping the page's unload on a quick close.)
  function flushNow() {
    if (timer === null) return;
    nativeClearTimeout(timer);
    flush();
  }
  // (Adding a listener already present changes nothing, so the observer may add them again.)
  function onVisibility() {
    if (document.visibilityState === 'hidden') flushNow();
  }
  function listen() {
    apply(addEventListener, window, ['pagehide', flushNow]);
    apply(addEventListener, document, ['visibilitychange', onVisibility]);
  }
  listen();
  apply(observe, new NativeMutationObserver(listen), [document, { __proto__: null, childList: true }]);

  function note(update) {
    if (++calls > MAX_CALLS) return;
    const script = callerScript();
    const use = entry(script);
    if (!use) return;
    update(use, script);
    timer ??= nativeSetTimeout(flush, FLUSH_MS);
  }

  /** Adds `name` to a prototype-less `set` of at most `limit` names; whether it was new. */
  function addName(set, name, limit) {
    if (set[name] === true) return false;
    let size = 0;
    for (const _ in set) size += 1;
    if (size >= limit) return false;
    set[name] = true;
    return true;
  }

  function wrapMethod(proto, name, onCall) {
    const original = proto?.[name];
    if (typeof original !== 'function') return;
    defineProperty(proto, name, {
      configurable: true, enumerable: false, writable: true,
      value: function (...args) {
        try {
          onCall(this, args);
        } catch { /* never break the page */ }
        return apply(original, this, args);
      },
    });
  }

  function wrapGetter(proto, name, onRead) {
    const descriptor = proto && getOwnPropertyDescriptor(proto, name);
    if (!descriptor?.get) return;
    const { get } = descriptor;
    defineProperty(proto, name, {
      configurable: descriptor.configurable, enumerable: descriptor.enumerable, set: descriptor.set,
      get() {
        try {
          onRead();
        } catch { /* never break the page */ }
        return apply(get, this, []);
      },
    });
  }

  const readback = () => note((u) => { u.canvas_readback += 1; });
  wrapMethod(HTMLCanvasElement.prototype, 'toDataURL', readback);
  wrapMethod(HTMLCanvasElement.prototype, 'toBlob', readback);
  wrapMethod(window.CanvasRenderingContext2D?.prototype, 'getImageData', readback);

  for (const gl of [window.WebGLRenderingContext, window.WebGL2RenderingContext]) {
    wrapMethod(gl?.prototype, 'getParameter', (_, args) => {
      if (args[0] === UNMASKED_VENDOR || args[0] === UNMASKED_RENDERER) note((u) => { u.webgl_unmasked += 1; });
    });
  }

  const audio = () => note((u) => { u.audio += 1; });
  wrapMethod(window.OfflineAudioContext?.prototype, 'startRendering', audio);
  wrapMethod(window.AnalyserNode?.prototype, 'getFloatFrequencyData', audio);

  // A CSS font shorthand ends with the family list; the first family is the one being probed.
  const font = (shorthand) => note((u, script) => {
    if (typeof shorthand !== 'string') return;
    const found = apply(exec, FONT_FAMILY, [shorthand]);
    const family = apply(trim, found ? found[1] : apply(slice, shorthand, [0, 100]), []);
    if (addName(fontsSeen[script], family, MAX_FONTS)) u.fonts += 1;
  });
  wrapMethod(window.CanvasRenderingContext2D?.prototype, 'measureText', (ctx) => font(ctx.font));
  wrapMethod(window.FontFaceSet?.prototype, 'check', (_, args) => font(args[0]));

  for (const name of NAVIGATOR) wrapGetter(Navigator.prototype, name, () => note((u) => addName(u.navigator, name, MAX_NAMES)));
  for (const name of SCREEN) wrapGetter(Screen.prototype, name, () => note((u) => addName(u.screen, name, MAX_NAMES)));
})();
