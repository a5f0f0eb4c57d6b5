// The dashboard graph's order: lines between the two columns should cross as little as the
// barycentre heuristic allows, and every company and site must stay in the picture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layout } from '../../extension/dashboard/graph.js';

/** Pairs of lines that cross: (s1, c1) and (s2, c2) with the sites and companies in opposite order. */
function crossings({ sites, companies }) {
  const siteAt = new Map(sites.map((s, i) => [s, i]));
  const lines = companies.flatMap((c, i) => c.sites.map((s) => [siteAt.get(s), i]));
  let count = 0;
  for (const [s1, c1] of lines) for (const [s2, c2] of lines) if (s1 < s2 && c1 > c2) count += 1;
  return count;
}

const company = (name, sites) => ({ name, sites, reach: sites.length });

test('companies follow the sites they are on, so lines stop crossing', () => {
  // Ranked by reach, as the history gives them: the order crosses every line.
  const ranked = [company('Zeta', ['z.example']), company('Mid', ['m.example']), company('Alpha', ['a.example'])];
  const kept = { sites: ['a.example', 'm.example', 'z.example'], companies: ranked };
  assert.equal(crossings(kept), 3);
  const out = layout(ranked);
  assert.equal(crossings(out), 0);
  assert.deepEqual(out.companies.map((c) => c.name).sort(), ['Alpha', 'Mid', 'Zeta']);
  assert.deepEqual(out.sites.slice().sort(), ['a.example', 'm.example', 'z.example']);
});

test('a company on every site keeps its rank among equals, and sixty companies lose none', () => {
  const sites = Array.from({ length: 12 }, (_, i) => `s${String(i).padStart(2, '0')}.example`);
  const everywhere = company('Google', sites);
  const many = Array.from({ length: 59 }, (_, i) => company(`C${i}`, [sites[(i * 7) % 12], sites[(i * 5 + 3) % 12]]));
  const input = [everywhere, ...many];
  const out = layout(input);
  assert.equal(out.companies.length, 60);
  assert.equal(new Set(out.sites).size, 12);
  assert.ok(crossings(out) < crossings({ sites: [...sites].sort(), companies: input }), 'fewer crossings than the ranked order');
});
