// Page-world probe (MAIN world, document_start): counts the browser APIs fingerprinting scripts
// use, per calling script, and hands the counts to TrackLens' isolated content script.
//
// It runs before any page script, so it captures the native functions first; wrapped functions
// call the originals with the same arguments and return what they return, so pages work as before.
// The caller is the first http(s) script address in a stack trace. Everything this probe reports
// can be forged by the page (they share this world); the receiving side validates and caps it.
(() => {
  const EVENT = 'tracklens:fingerprint';
  const MAX_SCRIPTS = 50;
  const MAX_FONTS = 500;
  const FLUSH_MS = 500;
  // Each recorded call costs a stack trace; past this many the probe stops recording, so a page
  // reading navigator.userAgent in a loop is not slowed down (the picture is complete by then).
  const MAX_CALLS = 5000;
  const UNMASKED = new Set([0x9245, 0x9246]); // UNMASKED_VENDOR_WEBGL, UNMASKED_RENDERER_WEBGL
  const NAVIGATOR = ['userAgent', 'platform', 'language', 'languages', 'hardwareConcurrency', 'deviceMemory', 'plugins',
    'mimeTypes', 'doNotTrack', 'maxTouchPoints', 'vendor', 'webdriver', 'cookieEnabled', 'connection'];
  const SCREEN = ['width', 'height', 'availWidth', 'availHeight', 'colorDepth', 'pixelDepth'];

  const { Error: NativeError, JSON: NativeJSON, Map: NativeMap, Set: NativeSet, setTimeout: nativeSetTimeout, clearTimeout } = window;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const CustomEventCtor = window.CustomEvent;
  const pageUrl = location.href;
  const usage = new NativeMap();
  let timer = null;
  let calls = 0;

  function callerScript() {
    const stack = String(new NativeError().stack ?? '');
    const found = stack.match(/https?:\/\/[^\s)]+?(?=:\d+:\d+)/);
    return found ? found[0] : pageUrl;
  }

  function entry(script) {
    let use = usage.get(script);
    if (!use) {
      if (usage.size >= MAX_SCRIPTS) return null;
      use = { canvas_readback: 0, webgl_unmasked: 0, audio: 0, fonts: new NativeSet(), navigator: new NativeSet(), screen: new NativeSet() };
      usage.set(script, use);
    }
    return use;
  }

  function flush() {
    timer = null;
    const scripts = [];
    for (const [script, use] of usage) {
      scripts.push({
        script, canvas_readback: use.canvas_readback, webgl_unmasked: use.webgl_unmasked, audio: use.audio,
        fonts: use.fonts.size, navigator: [...use.navigator], screen: [...use.screen],
      });
    }
    dispatch.call(document, new CustomEventCtor(EVENT, { detail: NativeJSON.stringify({ page: pageUrl, scripts }) }));
  }

  // A page closed or left before the timer fires would lose its counts: send them as it goes.
  // (A pagehide listener also keeps Chromium from skipping the page's unload on a quick close.)
  function flushNow() {
    if (timer === null) return;
    clearTimeout(timer);
    flush();
  }
  window.addEventListener('pagehide', flushNow);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flushNow();
  });

  function note(update) {
    if (++calls > MAX_CALLS) return;
    const use = entry(callerScript());
    if (!use) return;
    update(use);
    timer ??= nativeSetTimeout(flush, FLUSH_MS);
  }

  function wrapMethod(proto, name, onCall) {
    const original = proto?.[name];
    if (typeof original !== 'function') return;
    Object.defineProperty(proto, name, {
      configurable: true, enumerable: false, writable: true,
      value: function (...args) {
        try {
          onCall(this, args);
        } catch { /* never break the page */ }
        return original.apply(this, args);
      },
    });
  }

  function wrapGetter(proto, name, onRead) {
    const descriptor = proto && Object.getOwnPropertyDescriptor(proto, name);
    if (!descriptor?.get) return;
    const { get } = descriptor;
    Object.defineProperty(proto, name, {
      ...descriptor,
      get() {
        try {
          onRead();
        } catch { /* never break the page */ }
        return get.call(this);
      },
    });
  }

  const readback = () => note((u) => { u.canvas_readback += 1; });
  wrapMethod(HTMLCanvasElement.prototype, 'toDataURL', readback);
  wrapMethod(HTMLCanvasElement.prototype, 'toBlob', readback);
  wrapMethod(window.CanvasRenderingContext2D?.prototype, 'getImageData', readback);

  for (const gl of [window.WebGLRenderingContext, window.WebGL2RenderingContext]) {
    wrapMethod(gl?.prototype, 'getParameter', (_, [param]) => {
      if (UNMASKED.has(param)) note((u) => { u.webgl_unmasked += 1; });
    });
  }

  const audio = () => note((u) => { u.audio += 1; });
  wrapMethod(window.OfflineAudioContext?.prototype, 'startRendering', audio);
  wrapMethod(window.AnalyserNode?.prototype, 'getFloatFrequencyData', audio);

  // A CSS font shorthand ends with the family list; the first family is the one being probed.
  const family = (font) => String(font).split(/\d+(?:px|pt|em|rem|%)\s+/).pop().split(',')[0].trim().replace(/['"]/g, '').slice(0, 100);
  const font = (name) => note((u) => { if (u.fonts.size < MAX_FONTS) u.fonts.add(family(name)); });
  wrapMethod(window.CanvasRenderingContext2D?.prototype, 'measureText', (ctx) => font(ctx.font));
  wrapMethod(window.FontFaceSet?.prototype, 'check', (_, [name]) => font(name));

  for (const name of NAVIGATOR) wrapGetter(Navigator.prototype, name, () => note((u) => u.navigator.add(name)));
  for (const name of SCREEN) wrapGetter(Screen.prototype, name, () => note((u) => u.screen.add(name)));
})();
