// Elements built from attributes and text, never from markup: page-derived names (sites,
// companies, cookies) reach the DOM as text nodes only. For the dashboard and its graph.
const SVG = 'http://www.w3.org/2000/svg';
const HTML = 'http://www.w3.org/1999/xhtml';

/** An element in namespace `ns` with attributes and text content. */
function make(ns, tag, attrs, text) {
  const node = document.createElementNS(ns, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

export const el = (tag, attrs = {}, text = null) => make(HTML, tag, attrs, text);
export const svg = (tag, attrs = {}, text = null) => make(SVG, tag, attrs, text);
