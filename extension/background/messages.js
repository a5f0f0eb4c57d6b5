// The worker's one message router: a table of message type → who may send it → handler, in the
// manner of uBlock Origin's messaging (one listener, one place that says what each sender may
// ask). Pages are hostile: a web page cannot message the worker itself (the manifest has no
// externally_connectable), but it can drive our content scripts, so
// - settings, deletion and history messages are taken from extension pages only (popup,
//   options, dashboard: their URL is in the extension's origin);
// - findings are taken from our content scripts in a tab, and always land in the report of the
//   tab that sent them (`sender.tab.id`), never in a tab the message names.
// Anything else (unknown type, wrong sender) is dropped without an answer.

/** Who may send a message. Each takes chrome.runtime.MessageSender and the runtime. */
export const SENDERS = Object.freeze({
  /** The popup, options or dashboard page. A content script's sender URL is its web page's. */
  extensionPage: (sender, runtime) => sender.id === runtime.id && isExtensionUrl(sender.url, runtime),
  /** One of our content scripts in a tab, any frame. */
  tabContent: (sender, runtime) => sender.id === runtime.id && Boolean(sender.tab) && !isExtensionUrl(sender.url, runtime),
  /** One of our content scripts in a tab's top frame. */
  tabTopFrame: (sender, runtime) => SENDERS.tabContent(sender, runtime) && sender.frameId === 0,
});

function isExtensionUrl(url, runtime) {
  return typeof url === 'string' && url.startsWith(runtime.getURL(''));
}

/**
 * A router for `routes`: [{ types: [type], from: key of SENDERS, handle(message, sender) }]. A
 * handler's value (or promise) is the answer; a rejection answers { ok: false, error }. Returns
 * { listener, types } where `listener` is for chrome.runtime.onMessage.
 */
export function createRouter(routes, { runtime = chrome.runtime, onError = console.error } = {}) {
  const table = new Map();
  for (const route of routes) {
    if (!SENDERS[route.from]) throw new Error(`unknown sender kind ${route.from}`);
    for (const type of route.types) {
      if (table.has(type)) throw new Error(`message type ${type} routed twice`);
      table.set(type, route);
    }
  }

  function listener(message, sender, respond) {
    const route = typeof message?.type === 'string' ? table.get(message.type) : undefined;
    if (!route || !SENDERS[route.from](sender, runtime)) return false;
    let answer;
    try {
      answer = route.handle(message, sender);
    } catch (error) {
      onError(`TrackLens: ${message.type}`, error);
      respond({ ok: false, error: String(error?.message ?? error) });
      return false;
    }
    if (!(answer instanceof Promise)) {
      if (answer !== undefined) respond(answer);
      return false;
    }
    answer.then(respond, (error) => {
      onError(`TrackLens: ${message.type}`, error);
      respond({ ok: false, error: String(error?.message ?? error) });
    });
    return true;
  }

  return { listener, types: [...table.keys()] };
}
