// bucket.js - one bucket: browse by prefix (ListObjectsV2 pages of 50), upload by drag and drop or
// file picker (multipart above 16 MiB, with progress), and per object download, share, tags,
// versions and delete; the bucket's settings are on bucket_settings.js's tab.
import { xml, records, text, request, presign, objectPath } from '../api.js';
import { h, mount, table, attempt, when, bytes, loading, button, say, pageLink } from '../dom.js';
import { uploadFile } from '../upload.js';
import { settingsTab } from './bucket_settings.js';
import { objectPanel } from './object.js';

const PAGE = 50;

const link = (bucket, query) => pageLink('b', bucket, query);

function crumbs(bucket, prefix) {
  const parts = prefix.split('/').filter(Boolean);
  const out = [h('a', { href: link(bucket, {}) }, bucket)];
  let p = '';
  for (const part of parts) {
    p += part + '/';
    out.push(' / ', h('a', { href: link(bucket, { prefix: p }) }, part));
  }
  return h('nav.crumbs', { 'aria-label': 'Location in the bucket' }, h('a', { href: '#/buckets' }, 'Buckets'), ' / ', out);
}

export async function bucketPage(main, { args, query }) {
  const bucket = args[0];
  const prefix = query.get('prefix') || '';
  const tab = query.get('tab') || 'objects';
  const tabs = h('nav.tabs', { 'aria-label': 'Bucket' },
    h('a', { href: link(bucket, { prefix }), 'aria-current': tab === 'objects' ? 'page' : null }, 'Objects'),
    h('a', { href: link(bucket, { tab: 'settings' }), 'aria-current': tab === 'settings' ? 'page' : null }, 'Settings'));
  const body = h('section');
  mount(main, h('h1', bucket), crumbs(bucket, prefix), tabs, body);
  if (tab === 'settings') return settingsTab(body, bucket);
  if (query.get('key')) return objectPanel(body, bucket, query.get('key'));
  return objectsTab(body, bucket, prefix, query.get('after') || '');
}

async function objectsTab(body, bucket, prefix, token) {
  const drop = h('div.drop', { tabindex: '0', role: 'button', 'aria-label': `Upload files to ${prefix || 'the bucket root'}` },
    h('strong', 'Drop files here'), ' or ',
    h('label.filebtn', 'choose files', h('input', { type: 'file', multiple: true, 'aria-label': 'Choose files to upload',
      onchange: (e) => send([...e.target.files]) })));
  const progress = h('ul.uploads', { 'aria-label': 'Uploads' });
  const list = h('div', loading());
  mount(body, drop, progress, list);

  async function send(files) {
    for (const f of files) {
      const bar = h('progress', { max: f.size || 1, value: 0 });
      const label = h('span', `${f.name}`);
      progress.append(h('li', label, bar));
      const ok = await attempt(() => uploadFile(bucket, prefix + f.name, f, (n) => { bar.value = n; }));
      label.textContent = ok === undefined ? `${f.name}: failed` : `${f.name}: uploaded`;
      if (ok !== undefined) bar.value = f.size || 1;
    }
    say(`${files.length} file${files.length === 1 ? '' : 's'} uploaded.`);
    await render();
  }
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    send([...e.dataTransfer.files]);
  });
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') drop.querySelector('input').click(); });

  async function render() {
    const doc = await attempt(() => xml('GET', `/${encodeURIComponent(bucket)}`, {
      query: { 'list-type': '2', delimiter: '/', prefix, 'max-keys': String(PAGE), 'continuation-token': token || undefined } }));
    if (!doc) { mount(list); return; }
    const rows = [];
    for (const p of records(doc, 'CommonPrefixes')) {
      rows.push([h('a.dir', { href: link(bucket, { prefix: p.Prefix }) }, p.Prefix.slice(prefix.length)), '', '', '']);
    }
    for (const o of records(doc, 'Contents')) {
      if (o.Key === prefix) continue;
      rows.push([
        h('a', { href: link(bucket, { prefix, key: o.Key }) }, o.Key.slice(prefix.length)),
        bytes(o.Size), when(o.LastModified),
        h('span.actions',
          button('Download', () => download(bucket, o.Key)),
          button('Delete', async () => {
            if (!confirm(`Delete ${o.Key}?`)) return;
            if (await attempt(() => request('DELETE', objectPath(bucket, o.Key)), `${o.Key} deleted.`) !== undefined) render();
          }, 'danger')),
      ]);
    }
    const next = text(doc, 'NextContinuationToken');
    const pager = h('nav.pager', { 'aria-label': 'Pages' },
      token ? h('a', { href: link(bucket, { prefix }) }, 'First page') : null,
      next ? h('a', { href: link(bucket, { prefix, after: next }), rel: 'next' }, 'Next page') : null);
    mount(list, table(['Name', 'Size', 'Modified', ''], rows, 'No objects under this prefix.'), pager);
  }
  await render();
}

// Downloads through a short presigned URL with Content-Disposition: attachment (no proxy, no blob).
export async function download(bucket, key, versionId) {
  const name = key.split('/').pop() || 'download';
  const u = await presign('GET', objectPath(bucket, key), 300, {
    // RFC 6266 filename*: any UTF-8 name, quoted safely
    versionId, 'response-content-disposition': `attachment;filename*=UTF-8''${encodeURIComponent(name)}` });
  const a = h('a', { href: u, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
}
