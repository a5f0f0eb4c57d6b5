// WCAG AA: every text colour of the popup and dashboard palettes has at least 4.5:1 contrast with
// the background it is drawn on, in the light and the dark scheme. Reads the CSS itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

function palettes(file) {
  const css = readFileSync(new URL(`../../extension/${file}`, import.meta.url), 'utf8');
  const vars = (block) => Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2]]));
  const light = vars(css.slice(0, css.indexOf('@media (prefers-color-scheme: dark)')));
  const dark = { ...light, ...vars(css.slice(css.indexOf('@media (prefers-color-scheme: dark)'))) };
  return { light, dark };
}

function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const PAIRS = {
  'popup/popup.css': [['fg', 'bg'], ['muted', 'bg'], ['link', 'bg'], ['head-fg', 'head-bg'], ['head-muted', 'head-bg'], ['chip-fg', 'chip'],
    ['track-fg', 'track'], ['ok-fg', 'ok'], ['warn-fg', 'warn'], ['alert-fg', 'alert'], ['pressed-fg', 'pressed'], ['button-fg', 'button'],
    ['warning', 'bg'], ['muted', 'chip']],
  'dashboard/dashboard.css': [['fg', 'bg'], ['muted', 'bg'], ['link', 'bg'], ['danger', 'bg'], ['head-muted', 'head-bg'], ['fg', 'chip']],
};

test('text colours meet WCAG AA contrast in light and dark schemes', () => {
  for (const [file, pairs] of Object.entries(PAIRS)) {
    for (const [scheme, palette] of Object.entries(palettes(file))) {
      for (const [fg, bg] of pairs) {
        assert.ok(palette[fg] && palette[bg], `${file} ${scheme} defines --${fg} and --${bg}`);
        const ratio = contrast(palette[fg], palette[bg]);
        assert.ok(ratio >= 4.5, `${file} ${scheme}: --${fg} on --${bg} is ${ratio.toFixed(2)}:1`);
      }
    }
  }
});

test('the popup\'s purpose bar: every segment stands out from the background (3:1, WCAG 1.4.11) in both schemes', () => {
  for (const [scheme, palette] of Object.entries(palettes('popup/popup.css'))) {
    const segments = Object.keys(palette).filter((name) => name.startsWith('p-'));
    assert.ok(segments.length >= 9, `${scheme}: a colour per tracking purpose`);
    for (const name of segments) {
      const ratio = contrast(palette[name], palette.bg);
      assert.ok(ratio >= 3, `${scheme}: --${name} on --bg is ${ratio.toFixed(2)}:1`);
    }
  }
});
