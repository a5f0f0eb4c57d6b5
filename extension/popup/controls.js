// The popup's controls, where they apply: the site's protection switch (protect · trust · pause),
// each company's three-state control in its row (block · load without cookies · allow, for this
// site; the same everywhere from its details), deleting this site's cookies by purpose, declining
// the consent banner, and what protection did (GPC sent, banner declined, trackers that ignored
// the refusal). Every change goes to the worker as an edit, which the worker applies to the stored
// settings, checks with the core and puts into effect. How the settings treat each company, and
// the words for it, come from the core (report/summary.rs and treatment.rs, through the worker):
// the popup only lays them out. Page-derived text is set with textContent only.
import { COOKIE_PURPOSE_ORDER } from '../shared/tab-report.js';
import { COOKIE_PURPOSE_LABELS, TREATMENT_LABELS } from '../shared/describe.js';
import { VOCABULARY } from '../pkg/vocabulary.js';
import { MSG } from '../shared/message-types.js';

const DELETABLE = new Set(VOCABULARY.cookiePurposes.filter((p) => p.choosable).map((p) => p.name));
// Purposes the delete box ticks unless the user unticks them: those that follow you for ads and
// experiments (analytics cookies often keep a site's own statistics working). When the page has
// none of them, every purpose it offers is ticked, so the box never offers to delete nothing.
const TICKED = new Set(['advertising', 'personalization']);
// Where the setting in force comes from, after "Set by: " (none and mixed say it in their words).
const SOURCE_TEXT = {
  default: 'default', category: 'your category setting', company: 'your company setting', site: 'this site', sensitive: 'your sensitive-sites setting',
};

export function el(tag, { text, className, data = {}, ...props } = {}, children = []) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith('aria') || key === 'role') node.setAttribute(key === 'role' ? 'role' : key.replace(/^aria/, 'aria-').toLowerCase(), value);
    else node[key] = value;
  }
  for (const [key, value] of Object.entries(data)) node.dataset[key] = value;
  node.append(...children);
  return node;
}

function button(text, action, extra = {}, pressed = null) {
  const node = el('button', { type: 'button', text, data: { action, ...extra } });
  if (pressed !== null) node.setAttribute('aria-pressed', String(pressed));
  return node;
}

/** The site's protection switch: one of three, the current one pressed. */
export function siteSwitch(settings, site) {
  const mode = settings.sites?.[site]?.mode ?? 'protect';
  const words = {
    protect: 'Protection is on for this site.',
    trusted: 'You trust this site: nothing is blocked or stripped here.',
    paused: 'Protection is paused on this site: TrackLens changes nothing here.',
  }[mode];
  const choices = [['protect', 'Protect'], ['trusted', 'Trust'], ['paused', 'Pause']]
    .map(([value, label]) => button(label, 'site-mode', { mode: value }, value === mode));
  return el('div', { className: 'site-mode', data: { mode } }, [
    el('div', { className: 'switch', role: 'group', ariaLabel: 'Protection on this site' }, choices),
    el('p', { id: 'site-mode', text: words }),
  ]);
}

/**
 * A company's three-state control for this site, showing the core's current setting
 * (`setting.treatment`, null when nothing applies: it loads) and where it comes from.
 */
export function treatmentControl(row, company) {
  const setting = company.setting;
  // Nothing applies: it loads, as "allow" would. Hosts treated differently: none is pressed.
  const current = setting.mixed ? null : setting.treatment ?? 'allow';
  const group = row.querySelector('.treatment-control');
  group.setAttribute('aria-label', `${company.name}: what TrackLens does on this site`);
  group.replaceChildren(...VOCABULARY.treatments.map((t) => button(TREATMENT_LABELS[t.name], 'company', {
    company: company.name, scope: 'site', treatment: t.name,
  }, t.name === current)));
  row.dataset.treatment = setting.mixed ? 'mixed' : setting.treatment ?? 'none';
  row.dataset.source = setting.source;
  const from = SOURCE_TEXT[setting.source];
  row.querySelector('.source').textContent = from ? `${setting.words} Set by: ${from}.` : setting.words;
  row.querySelector('.everywhere').replaceChildren('Everywhere: ', ...VOCABULARY.treatments.map((t) => button(TREATMENT_LABELS[t.name], 'company', {
    company: company.name, scope: 'all', treatment: t.name,
  })));
}

/** This site's cookies by purpose, for deletion: only purposes that are there and may be deleted, with their counts. */
export function deleteBox(report) {
  const counts = new Map();
  for (const cookie of report.cookies ?? []) if (DELETABLE.has(cookie.purpose)) counts.set(cookie.purpose, (counts.get(cookie.purpose) ?? 0) + 1);
  const purposes = [...counts.keys()].sort((a, b) => COOKIE_PURPOSE_ORDER.indexOf(a) - COOKIE_PURPOSE_ORDER.indexOf(b));
  if (!purposes.length) return null;
  const boxes = purposes.map((purpose) => el('label', {}, [
    el('input', { type: 'checkbox', name: 'purpose', value: purpose, checked: TICKED.has(purpose) || !purposes.some((p) => TICKED.has(p)) }),
    ` ${COOKIE_PURPOSE_LABELS[purpose] ?? purpose} (${counts.get(purpose)} ${counts.get(purpose) === 1 ? 'cookie' : 'cookies'})`,
  ]));
  return el('div', { className: 'delete-cookies' }, [
    el('p', { text: 'Delete this site\'s cookies for:' }), ...boxes,
    el('label', {}, [el('input', { type: 'checkbox', name: 'keep', checked: true }), ' and keep them from coming back']),
    button('Delete cookies', 'delete-cookies'),
  ]);
}

/** The privacy choices in short lines: GPC, the banner's answer, who ignored the refusal. */
export function consentLines(report) {
  const lines = [];
  if (report.gpc) lines.push(el('p', { id: 'gpc-sent', text: 'Global Privacy Control was sent: this site was told not to sell or share your data.' }));
  const declined = report.declined;
  if (declined) {
    const cmp = declined.cmp ?? 'unknown platform';
    const text = {
      found: declined.auto ? `Consent banner (${cmp}) found; declining…` : `Consent banner (${cmp}) found.`,
      declining: `Declining the consent banner (${cmp})…`,
      declined: `Consent banner (${cmp}) declined ${declined.auto ? 'automatically' : 'for you'}.`,
      failed: `Could not decline the consent banner (${cmp}).`,
      accepted: `The consent banner (${cmp}) was accepted.`,
    }[declined.status] ?? '';
    const line = el('p', { id: 'declined', text, data: { status: declined.status } });
    if (declined.status === 'found' && !declined.auto) line.append(' ', button('Decline', 'decline'));
    lines.push(line);
  }
  const consent = report.consent;
  if (consent?.format === 'tcf' && !consent.error) {
    const purposes = consent.purposes.length ? `consent for ${consent.purposes.length} purposes` : 'no purpose consented';
    lines.push(el('p', { id: 'tcf-result', text: `The site's consent record says: ${purposes}, ${consent.vendors} vendors. ${consent.summary}` }));
  }
  const ignored = report.ignoredRefusal ?? [];
  if (ignored.length) {
    const n = ignored.length;
    lines.push(el('p', { className: 'warning', text: `You refused; ${n} ${n === 1 ? 'company' : 'companies'} ignored it and kept identifier cookies:` }));
    lines.push(el('ul', { id: 'ignored-refusal' }, ignored.map((entry) => el('li', {
      data: { company: entry.company },
      text: `${entry.company}: ${entry.cookies.join(', ')}`,
    }))));
  }
  return lines;
}

/** The settings edit (background/settings.js applyEdit) for the user's click on `data`, or null. */
export function editFor(site, data) {
  if (data.action === 'site-mode') return { kind: 'site-mode', site, mode: data.mode };
  if (data.action === 'company') return { kind: 'company', site, scope: data.scope, company: data.company, treatment: data.treatment };
  // The sensitive-page alert's "Block these companies here" and "Strip their cookies here":
  // one edit for all of them; "Always block…" protects every site about the category.
  const companies = () => JSON.parse(data.companies ?? '[]');
  if (data.action === 'block-sensitive') return { kind: 'companies', site, companies: companies(), treatment: 'block' };
  if (data.action === 'strip-sensitive') return { kind: 'companies', site, companies: companies(), treatment: 'strip' };
  if (data.action === 'protect-sensitive') return { kind: 'sensitive-pages', site, category: data.category, treatment: 'block' };
  return null;
}

/**
 * The settings and the core's view of the tab's report under them (the worker's MSG.SETTINGS_GET):
 * `{settings, problems, view}`, `view` null when nothing is recorded for the tab; null when the
 * worker cannot answer.
 */
export async function describeSettings(tabId) {
  const answer = await chrome.runtime.sendMessage({ type: MSG.SETTINGS_GET, tabId });
  return answer?.ok ? answer : null;
}

/**
 * Handles clicks on every control in `root` for the tab: `rerender()` redraws after a saved
 * change; `say(text)` shows the outcome.
 */
export function handleClicks(root, { tabId, site, rerender, say }) {
  root.addEventListener('click', async (event) => {
    const target = event.target.closest('button[data-action]');
    if (!target) return;
    const data = { ...target.dataset };
    let answer;
    if (data.action === 'decline') {
      answer = await chrome.runtime.sendMessage({ type: MSG.CONSENT_DECLINE, tabId });
    } else if (data.action === 'delete-cookies') {
      const purposes = [...root.querySelectorAll('input[name="purpose"]:checked')].map((box) => box.value);
      const keep = root.querySelector('input[name="keep"]').checked;
      answer = await chrome.runtime.sendMessage({ type: MSG.COOKIES_DELETE, tabId, purposes, keep });
      if (answer?.ok) say(`Deleted ${answer.deleted.length} cookies${keep ? '; they stay deleted while you keep this setting' : ''}.`);
    } else {
      answer = await chrome.runtime.sendMessage({ type: MSG.SETTINGS_CHANGE, edit: editFor(site(), data) });
      if (answer?.ok) {
        await rerender();
        say('Saved. Reload the page to see the difference.');
      }
    }
    if (!answer?.ok) say(`Not done: ${answer?.error ?? (answer?.problems ?? []).join('; ')}`);
  });
}
