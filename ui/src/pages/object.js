// object.js - one object: its metadata, download, a presigned link with a chosen expiry (copy to
// clipboard), its tags (edit), its versions (download or delete one) and delete.
import { request, xml, records, presign, objectPath, escapeXml } from '../api.js';
import { h, mount, table, attempt, when, bytes, loading, button, field, copy, say } from '../dom.js';
import { download } from './bucket.js';

const EXPIRIES = [[900, '15 minutes'], [3600, '1 hour'], [86400, '1 day'], [604800, '7 days']];

export async function objectPanel(body, bucket, key) {
  const path = objectPath(bucket, key);
  mount(body, loading());
  const head = await attempt(() => request('HEAD', path));
  if (!head) { mount(body, h('p', 'This object cannot be read.')); return; }
  const up = key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : '';
  const back = h('a', { href: `#/b/${encodeURIComponent(bucket)}${up ? '?prefix=' + encodeURIComponent(up) : ''}` }, '← back to the listing');

  const expiry = h('select', EXPIRIES.map(([s, l]) => h('option', { value: s }, l)));
  const linkBox = h('input.url', { readonly: true, 'aria-label': 'Presigned link', placeholder: 'no link made yet' });
  const share = h('section.card', h('h2', 'Share'),
    h('div.inline', field('Link valid for', expiry),
      button('Make link', async () => { linkBox.value = await presign('GET', path, Number(expiry.value)); linkBox.select(); }),
      button('Copy', () => linkBox.value ? copy(linkBox.value) : say('Make a link first.', 'error'))),
    linkBox);

  const tags = h('textarea', { rows: 4, 'aria-label': 'Tags, one key=value per line', spellcheck: 'false' });
  const tagDoc = await attempt(() => xml('GET', path, { query: { tagging: '' } }));
  if (tagDoc) tags.value = records(tagDoc, 'Tag').map((t) => `${t.Key}=${t.Value}`).join('\n');
  const tagCard = h('section.card', h('h2', 'Tags'), field('One key=value per line', tags),
    button('Save tags', async () => {
      const set = tags.value.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
        const i = l.indexOf('=');
        const [k, v] = i < 0 ? [l, ''] : [l.slice(0, i), l.slice(i + 1)];
        return `<Tag><Key>${escapeXml(k)}</Key><Value>${escapeXml(v)}</Value></Tag>`;
      });
      await attempt(() => set.length
        ? request('PUT', path, { query: { tagging: '' }, headers: { 'Content-Type': 'application/xml' }, body: `<Tagging><TagSet>${set.join('')}</TagSet></Tagging>` })
        : request('DELETE', path, { query: { tagging: '' } }), 'Tags saved.');
    }));

  const versions = h('div', loading());
  const versionsCard = h('section.card', h('h2', 'Versions'), versions);
  async function listVersions() {
    const doc = await attempt(() => xml('GET', `/${encodeURIComponent(bucket)}`, { query: { versions: '', prefix: key, 'max-keys': '100' } }));
    if (!doc) { mount(versions); return; }
    const rows = [...records(doc, 'Version'), ...records(doc, 'DeleteMarker').map((d) => ({ ...d, marker: true }))]
      .filter((v) => v.Key === key)
      .sort((a, b) => (a.LastModified < b.LastModified ? 1 : -1))
      .map((v) => [h('code', v.VersionId), v.marker ? 'delete marker' : bytes(v.Size), when(v.LastModified), v.IsLatest === 'true' ? 'latest' : '',
        h('span.actions', v.marker ? null : button('Download', () => download(bucket, key, v.VersionId)),
          button('Delete version', async () => {
            if (!confirm(`Delete version ${v.VersionId} for good?`)) return;
            if (await attempt(() => request('DELETE', path, { query: { versionId: v.VersionId } }), 'Version deleted.') !== undefined) listVersions();
          }, 'danger'))]);
    mount(versions, table(['Version', 'Size', 'Modified', '', ''], rows, 'This bucket keeps no versions (versioning is off).'));
  }

  mount(body, back,
    h('section.card', h('h2', key),
      h('dl.facts', h('dt', 'Size'), h('dd', bytes(head.headers.get('Content-Length'))),
        h('dt', 'Type'), h('dd', head.headers.get('Content-Type') || ''),
        h('dt', 'Modified'), h('dd', when(head.headers.get('Last-Modified'))),
        h('dt', 'ETag'), h('dd', h('code', head.headers.get('ETag') || ''))),
      h('div.inline', button('Download', () => download(bucket, key)),
        button('Delete', async () => {
          if (!confirm(`Delete ${key}?`)) return;
          if (await attempt(() => request('DELETE', path), `${key} deleted.`) !== undefined) location.hash = back.getAttribute('href');
        }, 'danger'))),
    share, tagCard, versionsCard);
  await listVersions();
}
