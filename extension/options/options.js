// The options page: default protection by purpose, signals, trusted and paused sites, and export
// and import of the settings as JSON. It reads the settings from chrome.storage.local and sends
// every change to the worker, which checks it with the core and applies it; a change the core
// does not accept (a bad import) is refused whole, and the page says why.
import { CHOOSABLE_CATEGORIES } from '../shared/categories.js';

const SETTINGS_KEY = 'settings';
const PROBLEMS_KEY = 'settingsProblems';
const FLAGS = ['gpc', 'dnt', 'removeTrackingParams', 'easyPrivacy'];
const $ = (id) => document.getElementById(id);
const form = $('settings');
let current = null;

function say(text, { error = false, problems = [] } = {}) {
  $('status').textContent = text;
  $('status').classList.toggle('error', error);
  const list = $('problems');
  list.replaceChildren(...problems.map((problem) => {
    const item = document.createElement('li');
    item.textContent = problem;
    return item;
  }));
  list.hidden = problems.length === 0;
}

function render(settings) {
  current = settings;
  const rows = CHOOSABLE_CATEGORIES.map(([category, label]) => {
    const row = $('category-row').content.firstElementChild.cloneNode(true);
    row.querySelector('th').textContent = label;
    const select = row.querySelector('select');
    select.name = `category:${category}`;
    select.value = settings.categories?.[category] ?? '';
    return row;
  });
  $('categories').replaceChildren(...rows);
  for (const flag of FLAGS) form.elements[flag].checked = Boolean(settings[flag]);
  form.elements.consent.value = settings.consent;
  const special = Object.entries(settings.sites ?? {}).filter(([, site]) => site.mode !== 'protect');
  $('sites').replaceChildren(...special.map(([name, site]) => {
    const row = $('site-row').content.firstElementChild.cloneNode(true);
    row.dataset.site = name;
    row.querySelector('.name').textContent = name;
    row.querySelector('.mode').textContent = site.mode === 'paused' ? '(protection paused)' : '(trusted: nothing blocked)';
    row.querySelector('.forget').addEventListener('click', () => save(withSiteProtected(current, name), `${name} is protected again.`));
    return row;
  }));
  $('no-sites').hidden = special.length > 0;
}

function withSiteProtected(settings, site) {
  const next = structuredClone(settings);
  next.sites[site].mode = 'protect';
  return next;
}

function fromForm() {
  const next = structuredClone(current);
  next.categories = {};
  for (const [category] of CHOOSABLE_CATEGORIES) {
    const value = form.elements[`category:${category}`].value;
    if (value) next.categories[category] = value;
  }
  for (const flag of FLAGS) next[flag] = form.elements[flag].checked;
  next.consent = form.elements.consent.value;
  return next;
}

async function save(settings, done) {
  const answer = await chrome.runtime.sendMessage({ type: 'tracklens/settings/save', settings });
  if (!answer?.ok) {
    say('Nothing was changed: TrackLens could not accept these settings.', { error: true, problems: answer?.problems ?? [answer?.error ?? 'no answer'] });
    return false;
  }
  render(answer.settings);
  say(done);
  return true;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  save(fromForm(), 'Saved. The new protection applies to every request from now on.');
});

$('export').addEventListener('click', () => {
  const blob = new Blob([`${JSON.stringify(current, null, 2)}\n`], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = 'tracklens-settings.json';
  link.click();
  URL.revokeObjectURL(link.href);
});

$('import').addEventListener('change', async (event) => {
  const [file] = event.target.files;
  event.target.value = '';
  if (!file) return;
  let parsed;
  try {
    parsed = JSON.parse(await file.text());
  } catch (error) {
    say(`Nothing was changed: ${file.name} is not JSON (${error.message}).`, { error: true });
    return;
  }
  await save(parsed, `Imported ${file.name}.`);
});

const stored = await chrome.storage.local.get(SETTINGS_KEY);
const { [PROBLEMS_KEY]: problems = [] } = await chrome.storage.session.get(PROBLEMS_KEY).catch(() => ({}));
if (stored[SETTINGS_KEY]) render(stored[SETTINGS_KEY]);
else say('TrackLens is still starting; reopen this page in a moment.', { error: true });
if (problems.length) say('Some stored settings could not be read and were left out; the rest is in effect.', { error: true, problems });
document.body.dataset.ready = 'true';
