// mirrors.js - the regional mirror (admins): its entries (region, upstream URL, state, size,
// when), its counters from /metrics, and purging a copy so the next request fetches it again.
import { json, request } from '../api.js';
import { h, mount, table, attempt, bytes, when, loading, button, field } from '../dom.js';
import { parseMetrics, total } from '../metrics.js';

const enc = encodeURIComponent;

function purge(region, url) {
  return request('DELETE', `/v1/purge/s3/${enc(region)}/${enc(url)}`);
}

export async function mirrorsPage(main, { query }) {
  mount(main, h('h1', 'Mirrors'), loading());
  const after = query.get('after') || undefined;
  const [list, text] = await Promise.all([attempt(() => json('GET', '/v1/mirrors', { query: { after, limit: '100' } })),
    attempt(() => request('GET', '/metrics').then((r) => r.text()))]);
  const m = text ? parseMetrics(text) : [];
  const c = (n) => total(m, `cairn_mirror_${n}`);
  const region = h('input', { required: true, spellcheck: 'false' });
  const url = h('input', { required: true, type: 'url', spellcheck: 'false' });
  const form = h('form.inline', { 'aria-label': 'Purge a copy' }, field('Region', region), field('Upstream URL', url), h('button', { type: 'submit' }, 'Purge'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (await attempt(() => purge(region.value.trim(), url.value.trim()), 'Copy purged.') !== undefined) mirrorsPage(main, { query });
  });
  const entries = list?.entries || [];
  mount(main, h('h1', 'Mirrors'),
    h('section.card', h('h2', 'Counters'), h('dl.facts',
      h('dt', 'Hits'), h('dd', String(c('hits_total'))), h('dt', 'Misses'), h('dd', String(c('misses_total'))),
      h('dt', 'Copied'), h('dd', bytes(c('copied_bytes_total'))), h('dt', 'Coalesced'), h('dd', String(c('coalesced_total'))),
      h('dt', 'Fallbacks to the upstream'), h('dd', String(c('fallbacks_total'))), h('dt', 'Errors'), h('dd', String(c('errors_total'))))),
    h('section.card', h('h2', 'Entries'),
      table(['Region', 'Upstream URL', 'State', 'Size', 'Updated', ''], entries.map((e) => [e.region, h('code.url', e.url), h(`span.state.${e.state}`, e.state),
        bytes(e.size), when(e.updated), button('Purge', async () => {
          if (await attempt(() => purge(e.region, e.url), 'Copy purged.') !== undefined) mirrorsPage(main, { query });
        }, 'danger')]), 'No mirrored objects.'),
      list?.next ? h('nav.pager', h('a', { href: `#/mirrors?after=${enc(list.next)}`, rel: 'next' }, 'Next page')) : null),
    h('section.card', h('h2', 'Purge by URL'), form));
}
