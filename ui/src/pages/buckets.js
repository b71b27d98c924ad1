// buckets.js - the caller's buckets: list, create, delete (empty ones; the server says why not).
import { xml, records, request } from '../api.js';
import { h, mount, table, field, attempt, when, loading, button } from '../dom.js';

export async function bucketsPage(main) {
  mount(main, h('h1', 'Buckets'), loading());
  const doc = await attempt(() => xml('GET', '/'));
  if (!doc) return;
  const name = h('input', { name: 'bucket', required: true, pattern: '[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]',
    title: '3 to 63 lowercase letters, digits, dots and hyphens', spellcheck: 'false' });
  const create = h('form.inline', { 'aria-label': 'Create a bucket' }, field('New bucket', name), h('button', { type: 'submit' }, 'Create'));
  create.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const n = name.value.trim();
    if (await attempt(() => request('PUT', `/${encodeURIComponent(n)}`), `Bucket ${n} created.`) !== undefined) bucketsPage(main);
  });
  const rows = records(doc, 'Bucket').map((b) => [
    h('a', { href: `#/b/${encodeURIComponent(b.Name)}` }, b.Name),
    when(b.CreationDate),
    button('Delete', async () => {
      if (!confirm(`Delete the bucket ${b.Name}? It must be empty.`)) return;
      if (await attempt(() => request('DELETE', `/${encodeURIComponent(b.Name)}`), `Bucket ${b.Name} deleted.`) !== undefined) bucketsPage(main);
    }, 'danger'),
  ]);
  mount(main, h('h1', 'Buckets'), create, table(['Name', 'Created', ''], rows, 'No buckets yet: create one above.'));
}
