// The site-company graph of the dashboard: sites on the left, companies on the right, a line for
// each company seen on each site. Interactive: pointing at (or focusing) a node lights its lines
// and the nodes at their other ends and dims the rest; a company can be dragged up or down to
// untangle what the automatic order left crossed. Names are SVG text nodes, never markup.
import { plural } from '../shared/describe.js';
import { svg } from '../shared/dom.js';

const ROW = 26;
const [SITE_X, COMPANY_X, WIDTH] = [190, 530, 760];

/** Beyond this many companies the graph is a hairball; the table above lists them all. */
const GRAPH_COMPANIES = 60;

/** Mean position of a node's neighbours, for ordering (the barycentre heuristic). */
function barycentre(neighbours, at) {
  const places = neighbours.map((n) => at.get(n)).filter((p) => p !== undefined);
  return places.length ? places.reduce((a, b) => a + b, 0) / places.length : Infinity;
}

/**
 * Orders both columns so that lines cross less: each side sorted by the mean place of its
 * neighbours on the other, a few sweeps from the alphabetical sites (Sugiyama's heuristic; ties
 * keep the companies' reach order, so the widest-reaching stay on top).
 */
export function layout(companies) {
  let sites = [...new Set(companies.flatMap((c) => c.sites))].sort();
  let order = companies.slice();
  const sitesOf = new Map(order.map((c) => [c.name, c.sites]));
  const companiesOf = new Map(sites.map((s) => [s, order.filter((c) => c.sites.includes(s)).map((c) => c.name)]));
  const rank = new Map(order.map((c, i) => [c.name, i]));
  for (let sweep = 0; sweep < 4; sweep += 1) {
    const siteAt = new Map(sites.map((s, i) => [s, i]));
    order = order
      .map((c) => ({ c, key: barycentre(sitesOf.get(c.name), siteAt) }))
      .sort((a, b) => a.key - b.key || rank.get(a.c.name) - rank.get(b.c.name))
      .map(({ c }) => c);
    const companyAt = new Map(order.map((c, i) => [c.name, i]));
    sites = sites
      .map((s) => ({ s, key: barycentre(companiesOf.get(s), companyAt) }))
      .sort((a, b) => a.key - b.key || a.s.localeCompare(b.s))
      .map(({ s }) => s);
  }
  return { sites, companies: order };
}

/** Renders the graph of `allCompanies` (ranked by reach) into `container`. */
export function renderGraph(container, allCompanies) {
  const { sites, companies } = layout(allCompanies.slice(0, GRAPH_COMPANIES));
  const rows = Math.max(sites.length, companies.length);
  const height = rows * ROW + 20;
  const y = (i, n) => 10 + ROW / 2 + i * ROW + ((rows - n) * ROW) / 2;
  const siteY = new Map(sites.map((s, i) => [s, y(i, sites.length)]));
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, role: 'group', 'aria-label': `${plural(sites.length, 'site')} and ${plural(companies.length, 'company', 'companies')}` });
  const edges = svg('g');
  const nodes = svg('g');
  const linesOf = new Map(); // node key -> its lines
  const addLine = (key, line) => linesOf.set(key, [...(linesOf.get(key) ?? []), line]);
  for (const site of sites) {
    const g = svg('g', { class: 'node', 'data-site': site, tabindex: 0, role: 'img' });
    g.append(svg('title', {}, site), svg('rect', { class: 'site-node', x: SITE_X - 6, y: siteY.get(site) - 6, width: 12, height: 12 }),
      svg('text', { x: SITE_X - 12, y: siteY.get(site) + 4, 'text-anchor': 'end' }, site));
    nodes.append(g);
  }
  companies.forEach((company, i) => {
    const cy = y(i, companies.length);
    for (const site of company.sites) {
      const line = svg('line', { class: 'edge', x1: SITE_X + 6, y1: siteY.get(site), x2: COMPANY_X - 7, y2: cy, 'data-edge': `${site}|${company.name}` });
      addLine(`c:${company.name}`, line);
      addLine(`s:${site}`, line);
      edges.append(line);
    }
    const g = svg('g', { class: 'node', 'data-company': company.name, tabindex: 0, role: 'img' });
    g.append(svg('title', {}, `${company.name}: on ${company.sites.join(', ')}`), svg('circle', { class: `company-node${company.tracker ? ' tracker' : ''}`, cx: COMPANY_X, cy, r: 7 }),
      svg('text', { x: COMPANY_X + 14, y: cy + 4 }, `${company.tracker ? '● ' : ''}${company.name} (${company.reach})`));
    nodes.append(g);
  });
  root.append(edges, nodes);
  highlighting(root, linesOf);
  dragging(root, linesOf);
  container.replaceChildren(root);
}

/** Pointing at or focusing a node lights it, its lines and the nodes they reach. */
function highlighting(root, linesOf) {
  const keyOf = (g) => (g.dataset.company !== undefined ? `c:${g.dataset.company}` : `s:${g.dataset.site}`);
  const light = (g) => {
    clear();
    root.classList.add('focusing');
    g.classList.add('lit');
    for (const line of linesOf.get(keyOf(g)) ?? []) {
      line.classList.add('lit');
      const [site, company] = line.dataset.edge.split('|');
      for (const end of root.querySelectorAll('g.node')) {
        if (end.dataset.site === site || end.dataset.company === company) end.classList.add('lit');
      }
    }
  };
  const clear = () => {
    root.classList.remove('focusing');
    for (const lit of root.querySelectorAll('.lit')) lit.classList.remove('lit');
  };
  for (const g of root.querySelectorAll('g.node')) {
    g.addEventListener('pointerenter', () => light(g));
    g.addEventListener('focus', () => light(g));
    g.addEventListener('pointerleave', () => { if (!root.dataset.dragging) clear(); });
    g.addEventListener('blur', clear);
  }
}

/** A company node follows the pointer up and down; its lines follow it. */
function dragging(root, linesOf) {
  for (const g of root.querySelectorAll('g[data-company]')) {
    const circle = g.querySelector('circle');
    const label = g.querySelector('text');
    const lines = linesOf.get(`c:${g.dataset.company}`) ?? [];
    g.addEventListener('pointerdown', (event) => {
      g.setPointerCapture(event.pointerId);
      root.dataset.dragging = g.dataset.company;
    });
    g.addEventListener('pointermove', (event) => {
      if (root.dataset.dragging !== g.dataset.company) return;
      // Screen to SVG units: the figure may be scaled down to fit a narrow window.
      const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(root.getScreenCTM().inverse());
      const cy = Math.min(Math.max(point.y, 10), root.viewBox.baseVal.height - 10);
      circle.setAttribute('cy', cy);
      label.setAttribute('y', cy + 4);
      for (const line of lines) line.setAttribute('y2', cy);
    });
    const drop = () => { delete root.dataset.dragging; };
    g.addEventListener('pointerup', drop);
    g.addEventListener('pointercancel', drop);
  }
}
