// The popup draws its lists again whenever the tab's report changes, which on a busy page is many
// times a second. Without this, the "Why" a reader opened snaps shut under them and a keyboard
// user's focus falls back to the top of the page. Rows are told apart by what they show
// (data-company, data-purpose), never by position, since a new company can arrive above.

/** The row an element belongs to, as `company|purpose` ('' outside any row). */
function rowOf(node) {
  const row = node.closest('[data-company], [data-purpose]');
  return row ? `${row.dataset.company ?? ''}|${row.dataset.purpose ?? ''}` : '';
}

const detailsKey = (details) => `${rowOf(details)}|${details.className}`;

/** An element's identity across renders: its row, its kind, its control's data and its words. */
const focusKey = (node) => [rowOf(node), node.tagName, node.dataset.action ?? '', node.dataset.treatment ?? '', node.textContent.trim()].join('|');

/**
 * Notes which `<details>` in `root` are open and which element has the focus; the function it
 * returns, called once `root` is drawn again, opens the same ones and focuses the same control.
 */
export function keepView(root) {
  const open = new Set([...root.querySelectorAll('details[open]')].map(detailsKey));
  const active = document.activeElement;
  const focused = active && active !== document.body && root.contains(active) ? { tag: active.tagName, key: focusKey(active) } : null;
  return () => {
    for (const details of root.querySelectorAll('details')) {
      if (open.has(detailsKey(details))) details.open = true;
    }
    // A removed element hands the focus to the body; only then is it put back.
    if (focused && (!document.activeElement || document.activeElement === document.body)) {
      [...root.querySelectorAll(focused.tag)].find((node) => focusKey(node) === focused.key)?.focus();
    }
  };
}
