// Isolated world, before TrackLens' other isolated content scripts (the fingerprinting relay and
// the key-logging watch): event listeners a page cannot erase.
//
// `document.open()` erases every event listener on the document, on each of its nodes and on the
// window, those of extensions' isolated worlds included (the HTML standard's document open
// steps), so a page could call it to stop TrackLens hearing anything. The document object itself
// stays, and a mutation observer on it is not erased: when its children are replaced (which
// `document.open()` does), every listener registered here is added again. Adding a listener that
// is still there changes nothing, so a new root element or the parser's first one costs nothing.
(() => {
  const listeners = [];
  const addAll = () => {
    for (const { target, type, listener, capture } of listeners) target.addEventListener(type, listener, capture);
  };
  new MutationObserver(addAll).observe(document, { childList: true });

  /** `target.addEventListener(type, listener, capture)`, again after every rewrite of the document. */
  globalThis.tracklensListen = (target, type, listener, capture = false) => {
    listeners.push({ target, type, listener, capture });
    target.addEventListener(type, listener, capture);
  };
})();
