// dom.js - the small DOM toolkit the pages share: element building, formatting, messages.

// h('tag.class', {attr: v, onclick: fn}, ...children): children are nodes, strings or arrays.
export function h(spec, attrs, ...children) {
  const [tag, ...classes] = spec.split('.');
  const e = document.createElement(tag || 'div');
  if (classes.length) e.className = classes.join(' ');
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'value') e.value = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  append(e, children);
  return e;
}

function append(e, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
}

// "#/SECTION/NAME?query": a link to one thing's page (main.js routes it).
export function pageLink(section, name, query = {}) {
  const q = new URLSearchParams(query);
  return `#/${section}/${encodeURIComponent(name)}${q.toString() ? '?' + q : ''}`;
}

export function mount(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
// "20.0 MiB" with the exact count on hover
export function bytes(n) {
  n = Number(n) || 0;
  let i = 0, v = n;
  while (v >= 1024 && i < UNITS.length - 1) { v /= 1024; i++; }
  return h('span.num', { title: `${n.toLocaleString('en')} bytes` }, i ? `${v.toFixed(1)} ${UNITS[i]}` : `${n} B`);
}

export function when(t) {
  if (t === null || t === undefined || t === '') return '';
  const d = new Date(t);   // ms since the epoch or an ISO / HTTP date
  if (isNaN(d)) return String(t);
  return h('time', { datetime: d.toISOString(), title: d.toISOString() }, d.toLocaleString());
}

// A message in the banner: kind 'error' or 'ok'.
export function say(text, kind = 'ok') {
  const m = document.getElementById('message');
  mount(m, h(`p.${kind}`, text));
  if (kind === 'ok') setTimeout(() => { if (m.textContent === text) m.replaceChildren(); }, 4000);
}

export function clearMessage() { document.getElementById('message').replaceChildren(); }

// Runs an action, showing its error as a message instead of failing silently: its result (true
// when it has none), or undefined when it failed.
export async function attempt(fn, done) {
  try {
    const r = await fn();
    if (done) say(done);
    return r === undefined ? true : r;
  } catch (e) {
    say(e.message || String(e), 'error');
    return undefined;
  }
}

export function table(head, rows, empty = 'Nothing here yet.') {
  if (!rows.length) return h('p.empty', empty);
  return h('div.scroll', h('table',
    h('thead', h('tr', head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', rows.map((r) => h('tr', r.map((c) => h('td', c)))))));
}

export function field(label, input) {
  const id = `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  return h('div.field', h('label', { for: id }, label), input);
}

export function button(label, onclick, cls = '') {
  return h(`button${cls ? '.' + cls : ''}`, { type: 'button', onclick }, label);
}

export function loading() { return h('p.loading', 'Loading…'); }

export async function copy(text) {
  try { await navigator.clipboard.writeText(text); say('Copied to the clipboard.'); }
  catch { say('Copy it from the box: the clipboard is not available here.', 'error'); }
}
