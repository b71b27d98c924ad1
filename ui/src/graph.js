// graph.js - a small SVG line chart of usage samples ({at, usageBytes}) with the quota as a line.
import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
function s(tag, attrs, ...kids) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  e.append(...kids);
  return e;
}

function human(n) {   // binary units, as the rest of the console
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(n < 10 && i ? 1 : 0)} ${u[i]}`;
}

export function usageGraph(samples, quota) {
  if (!samples.length) return h('p.empty', 'No usage samples yet (one is taken every usage_interval).');
  const W = 640, H = 200, L = 64, B = 24;
  const pts = samples.map((x) => [Date.parse(x.at), Number(x.usageBytes ?? x.usageMb * 1e6) || 0]);
  const t0 = pts[0][0], t1 = Math.max(pts[pts.length - 1][0], t0 + 1);
  const top = Math.max(quota || 0, ...pts.map((p) => p[1]), 1);
  const X = (t) => L + ((t - t0) / (t1 - t0)) * (W - L - 8);
  const Y = (v) => H - B - (v / top) * (H - B - 8);
  const line = pts.map((p, i) => `${i ? 'L' : 'M'}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(' ');
  const last = pts[pts.length - 1][1];
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'graph', role: 'img', 'aria-label': `usage over time, now ${human(last)}${quota ? ' of ' + human(quota) : ''}` },
    s('line', { x1: L, y1: H - B, x2: W - 8, y2: H - B, class: 'axis' }),
    s('text', { x: L - 6, y: Y(top) + 4, 'text-anchor': 'end' }, human(top)),
    s('text', { x: L - 6, y: H - B, 'text-anchor': 'end' }, '0'),
    s('text', { x: L, y: H - 6 }, new Date(t0).toLocaleString()),
    s('text', { x: W - 8, y: H - 6, 'text-anchor': 'end' }, new Date(t1).toLocaleString()),
    quota ? s('line', { x1: L, y1: Y(quota), x2: W - 8, y2: Y(quota), class: 'quota' }) : '',
    s('path', { d: pts.length > 1 ? line : `M${L},${Y(last)} L${W - 8},${Y(last)}`, class: 'usage' }));
  return h('figure', svg, h('figcaption', `${samples.length} sample${samples.length === 1 ? '' : 's'}; now ${human(last)}${quota ? ` of a ${human(quota)} quota` : ''}.`));
}
