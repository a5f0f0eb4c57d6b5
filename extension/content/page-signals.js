// Content script (isolated world, top frame): reads what the page says it is about, once after
// it has loaded, and sends it to the worker, which hands it to the core (report/context.rs) to
// decide whether the page is sensitive. Nothing is decided here; nothing leaves the device.
//
// The same file is the audit's collector: `tracklens audit` evaluates it in the page
// (crate/src/bin/tracklens/report/context.rs includes it) and reads the value of the last
// expression; there no extension API exists, so nothing is sent.
//
// Pages are hostile (titles of megabytes, thousands of JSON-LD blocks, nesting thousands deep):
// everything is bounded in size and count, and what was left out is counted in `skipped`. The
// core bounds it again, whatever arrives. Reading uses the DOM only: no layout (innerText would
// lay out a huge page), no page script runs, and this world's built-ins are the browser's.
(() => {
  const MAX_SHORT = 1000;
  const MAX_HEADINGS = 24;
  const MAX_TYPES = 32;
  const MAX_BLOCKS = 16;
  const MAX_BLOCK_CHARS = 65536;
  const MAX_DEPTH = 8;
  const MAX_ITEMS = 64;
  // The first few KB say what a page is about; the core reads up to 20 KB, and each KB costs
  // (scripts/bench-context-wasm.mjs: about 40 µs per KB in wasm).
  const MAX_TEXT = 8000;
  const MAX_NODES = 20000;
  let skipped = 0;

  const cut = (value, max) => {
    const raw = String(value ?? '');
    const text = raw.slice(0, 4 * max).replace(/\s+/g, ' ').trim();
    if (raw.length > 4 * max || text.length > max) skipped += 1;
    return text.slice(0, max);
  };
  const meta = (name) => {
    const node = document.querySelector(`meta[name="${name}"],meta[property="${name}"]`);
    return node ? cut(node.getAttribute('content'), MAX_SHORT) : '';
  };

  function schemaTypes() {
    const types = [];
    const walk = (value, depth) => {
      if (!value || typeof value !== 'object') return;
      if (depth > MAX_DEPTH) { skipped += 1; return; }
      const items = Array.isArray(value) ? value : [value];
      if (items.length > MAX_ITEMS) skipped += 1;
      for (const item of items.slice(0, MAX_ITEMS)) {
        if (!item || typeof item !== 'object') continue;
        if (Array.isArray(item)) { walk(item, depth + 1); continue; }
        const type = item['@type'];
        for (const t of Array.isArray(type) ? type.slice(0, MAX_ITEMS) : [type]) {
          if (typeof t !== 'string' || t.length > 100 || types.includes(t)) continue;
          if (types.length < MAX_TYPES) types.push(t);
          else skipped += 1;
        }
        const values = Object.values(item);
        if (values.length > MAX_ITEMS) skipped += 1;
        for (const v of values.slice(0, MAX_ITEMS)) if (v && typeof v === 'object') walk(v, depth + 1);
      }
    };
    const blocks = document.querySelectorAll('script[type="application/ld+json"]');
    skipped += Math.max(0, blocks.length - MAX_BLOCKS);
    for (let i = 0; i < Math.min(blocks.length, MAX_BLOCKS); i++) {
      const source = blocks[i].textContent ?? '';
      if (source.length > MAX_BLOCK_CHARS) { skipped += 1; continue; }
      try {
        walk(JSON.parse(source), 0);
      } catch {
        skipped += 1; // a broken block says nothing
      }
    }
    return types;
  }

  function headings() {
    const found = document.querySelectorAll('h1,h2');
    skipped += Math.max(0, found.length - MAX_HEADINGS);
    return Array.from({ length: Math.min(found.length, MAX_HEADINGS) }, (_, i) => cut(found[i].textContent, MAX_SHORT)).filter(Boolean);
  }

  // The first part of the text a reader sees: text outside scripts, styles and hidden parts. The
  // walk skips those subtrees whole and stops after MAX_NODES nodes, however deep or wide the page.
  function visibleText() {
    if (!document.body) return '';
    const hiddenTags = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'TEXTAREA']);
    let visited = 0;
    let over = false;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => {
        // Past the bound, the next node is taken at once so that the loop below can stop.
        if (++visited > MAX_NODES) { over = true; return NodeFilter.FILTER_ACCEPT; }
        if (node.nodeType === Node.TEXT_NODE) return NodeFilter.FILTER_ACCEPT;
        return hiddenTags.has(node.tagName.toUpperCase()) || node.hidden ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP;
      },
    });
    let text = '';
    while (text.length < MAX_TEXT && walker.nextNode()) {
      if (over) { skipped += 1; break; }
      const chunk = walker.currentNode.nodeValue.replace(/\s+/g, ' ').trim();
      if (chunk) text += (text ? ' ' : '') + chunk;
    }
    if (text.length > MAX_TEXT) skipped += 1;
    return text.slice(0, MAX_TEXT);
  }

  function collect() {
    skipped = 0;
    const signals = {
      url: String(location.href).slice(0, 4000),
      title: cut(document.title, MAX_SHORT),
      description: meta('description'),
      keywords: meta('keywords'),
      ogTitle: meta('og:title'),
      ogDescription: meta('og:description'),
      headings: headings(),
      schemaTypes: schemaTypes(),
      text: visibleText(),
    };
    return { ...signals, skipped };
  }

  const extension = typeof chrome === 'object' && chrome?.runtime?.id;
  if (!extension) return collect();
  const send = () => chrome.runtime.sendMessage({ type: 'tracklens/page-signals', signals: collect() }).catch(() => {});
  if (document.readyState === 'complete') send();
  else window.addEventListener('load', send, { once: true });
  return undefined;
})();
