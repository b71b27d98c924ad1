// datasets.js - datasets: the list, and one dataset's tags, a tag's history, the file tree of a
// tag with its README rendered (by cairn), the `cairn pull` command, and a diff of two versions.
import { json, presign, signedIn } from '../api.js';
import { h, mount, table, attempt, when, bytes, loading, button, copy, field, pageLink } from '../dom.js';
import { diffManifests } from '../diff.js';

const enc = encodeURIComponent;

export async function datasetsPage(main) {
  mount(main, h('h1', 'Datasets'), loading());
  const j = await attempt(() => json('GET', '/v1/datasets'));
  if (!j) return;
  mount(main, h('h1', 'Datasets'),
    h('p.hint', 'Push a directory or archive as a version with ', h('code', 'cairn push NAME:TAG DIR'), '.'),
    table(['Name', 'Tags', 'Public', 'Created'], j.datasets.map((d) => [
      h('a', { href: `#/d/${enc(d.name)}` }, d.name), String(d.tags), d.public ? 'yes' : 'no', when(d.created)]),
    'No datasets yet.'));
}

const link = (name, query) => pageLink('d', name, query);

export async function datasetPage(main, { args, query }) {
  const name = args[0];
  mount(main, h('h1', name), loading());
  const j = await attempt(() => json('GET', `/v1/datasets/${enc(name)}`));
  if (!j) return;
  const tags = j.tags;
  const tag = query.get('tag') || tags[0]?.tag;
  const crumbs = h('nav.crumbs', { 'aria-label': 'Dataset' }, h('a', { href: '#/datasets' }, 'Datasets'), ' / ', name);
  const tagTable = table(['Tag', 'Version', 'Size', 'Files', 'Updated'], tags.map((t) => [
    h('a', { href: link(name, { tag: t.tag }), 'aria-current': t.tag === tag ? 'true' : null }, t.tag, t.floating ? ' (floating)' : ''),
    h('code', { title: t.version }, t.version.slice(0, 12)), bytes(t.size), String(t.files), when(t.updated)]), 'No tags.');
  const tree = h('section.card', h('h2', 'Files'), loading());
  const history = h('section.card', h('h2', 'Tag history'), loading());
  const diff = diffCard(name, tags);
  mount(main, h('h1', name), crumbs, h('section.card', h('h2', 'Tags'), tagTable), tree, history, diff);
  if (!tag) { tree.remove(); history.remove(); return; }
  await Promise.all([showTree(tree, name, tag, query.get('path') || ''), showHistory(history, name, tag)]);
}

async function showTree(card, name, tag, path) {
  const base = `/fs/${enc(name)}/${enc(tag)}/`;
  const dir = path ? path.replace(/\/?$/, '/') : '';
  const pull = `cairn pull ${name}:${tag} ./${name}`;
  const listing = await attempt(() => json('GET', base + dir.split('/').map(enc).join('/'), { headers: { Accept: 'application/json' } }));
  const up = dir ? dir.slice(0, dir.slice(0, -1).lastIndexOf('/') + 1) : null;
  const rows = [];
  if (up !== null) rows.push([h('a', { href: link(name, { tag, path: up }) }, '../'), '', '']);
  for (const e of listing?.entries || []) {
    const p = dir + e.name;
    if (e.type === 'dir') rows.push([h('a.dir', { href: link(name, { tag, path: p + '/' }) }, e.name + '/'), '', when(e.mtime * 1000)]);
    else {
      const a = h('a', { href: '#', onclick: async (ev) => { ev.preventDefault(); window.open(await presign('GET', base + p.split('/').map(enc).join('/'), 300), '_blank', 'noopener'); } }, e.name);
      rows.push([a, e.type === 'file' ? bytes(e.size) : `→ ${e.target || ''}`, when(e.mtime * 1000)]);
    }
  }
  const readme = h('article.readme');
  if (listing?.readme_html) {
    // cairn renders the README with cmark-gfm with raw HTML dropped: safe to show as HTML
    readme.innerHTML = listing.readme_html;
  }
  mount(card, h('h2', `Files of ${tag}`, dir ? ` — /${dir}` : ''),
    h('div.inline', h('code.cmd', pull), button('Copy', () => copy(pull))),
    table(['Name', 'Size', 'Modified'], rows, 'Empty directory.'),
    listing?.readme_html ? readme : null);
}

async function showHistory(card, name, tag) {
  const j = await attempt(() => json('GET', `/v1/datasets/${enc(name)}/tags/${enc(tag)}/history`));
  mount(card, h('h2', `History of ${tag}`),
    table(['Version', 'Since'], (j?.history || []).map((e) => [h('code', { title: e.version }, e.version.slice(0, 12)), when(e.at)]), 'No history.'));
}

function diffCard(name, tags) {
  const opts = () => tags.map((t) => h('option', { value: t.version }, `${t.tag} (${t.version.slice(0, 8)})`));
  const a = h('select', opts()), b = h('select', opts());
  if (tags.length > 1) b.selectedIndex = 1;
  const out = h('div');
  const form = h('form.inline', { 'aria-label': 'Compare two versions' }, field('From', a), field('To', b), h('button', { type: 'submit' }, 'Compare'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    mount(out, loading());
    const [ma, mb] = await Promise.all([a.value, b.value].map((v) => attempt(() => json('GET', `/v1/datasets/${enc(name)}/versions/${v}`))));
    if (!ma || !mb) { mount(out); return; }
    const d = diffManifests(ma, mb);
    mount(out,
      h('p.summary', `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed, ${d.same} unchanged. `,
        'The two versions share ', bytes(d.sharedBytes), ` of data (${d.sharedPct}% of the second); the second adds `, bytes(d.newBytes), ' of new blocks.'),
      table(['Change', 'Path', 'Size before', 'Size after'], [
        ...d.added.map((e) => ['added', e.path, '', bytes(e.size)]),
        ...d.removed.map((e) => ['removed', e.path, bytes(e.size), '']),
        ...d.changed.map(([x, y]) => ['changed', x.path, bytes(x.size), bytes(y.size)])], 'The versions hold the same files.'));
  });
  return h('section.card', h('h2', 'Compare versions'), signedIn() ? form : null, out);
}
