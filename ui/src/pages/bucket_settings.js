// bucket_settings.js - a bucket's settings tab: versioning, lifecycle rules (expiry by prefix,
// noncurrent versions, unfinished uploads) and sharing (public, grants to users, the policy).
import { request, xml, records, json, escapeXml, text } from '../api.js';
import { h, mount, table, attempt, loading, button, field } from '../dom.js';

export async function settingsTab(body, bucket) {
  const b = `/${encodeURIComponent(bucket)}`;
  const versioning = h('div', loading()), lifecycle = h('div', loading()), sharing = h('div', loading());
  mount(body, h('section.card', h('h2', 'Versioning'), versioning),
    h('section.card', h('h2', 'Lifecycle rules'), lifecycle),
    h('section.card', h('h2', 'Sharing'), sharing));

  async function showVersioning() {
    const doc = await attempt(() => xml('GET', b, { query: { versioning: '' } }));
    if (!doc) return;
    const status = text(doc, 'Status') || 'Off';
    const set = (s) => attempt(() => request('PUT', b, { query: { versioning: '' }, headers: { 'Content-Type': 'application/xml' },
      body: `<VersioningConfiguration><Status>${s}</Status></VersioningConfiguration>` }), `Versioning ${s.toLowerCase()}.`).then(showVersioning);
    mount(versioning, h('p', 'Versioning is ', h('strong.state', status), '.'),
      status === 'Enabled' ? button('Suspend', () => set('Suspended')) : button('Enable', () => set('Enabled')));
  }

  async function showLifecycle() {
    let rules = [];
    try {
      const doc = await xml('GET', b, { query: { lifecycle: '' } });
      rules = records(doc, 'Rule').map((r) => ({
        id: r.ID || '', status: r.Status, prefix: r.Filter ? text(r.Filter, 'Prefix') : (r.Prefix || ''),
        days: r.Expiration ? text(r.Expiration, 'Days') : '',
        noncurrent: r.NoncurrentVersionExpiration ? text(r.NoncurrentVersionExpiration, 'NoncurrentDays') : '',
        abort: r.AbortIncompleteMultipartUpload ? text(r.AbortIncompleteMultipartUpload, 'DaysAfterInitiation') : '',
      }));
    } catch (e) {
      if (e.code !== 'NoSuchLifecycleConfiguration') { mount(lifecycle, h('p.error', e.message)); return; }
    }
    const save = (list) => attempt(() => list.length
      ? request('PUT', b, { query: { lifecycle: '' }, headers: { 'Content-Type': 'application/xml' }, body: lifecycleXml(list) })
      : request('DELETE', b, { query: { lifecycle: '' } }), 'Lifecycle rules saved.').then(showLifecycle);
    const id = h('input', { required: true, value: `rule-${rules.length + 1}` });
    const prefix = h('input', { placeholder: 'every key' });
    const days = h('input', { type: 'number', min: 1 });
    const noncurrent = h('input', { type: 'number', min: 1 });
    const abort = h('input', { type: 'number', min: 1 });
    const form = h('form.grid', { 'aria-label': 'Add a lifecycle rule' }, field('Rule ID', id), field('Prefix', prefix),
      field('Expire objects after (days)', days), field('Expire noncurrent versions after (days)', noncurrent),
      field('Abort unfinished uploads after (days)', abort), h('button', { type: 'submit' }, 'Add rule'));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      save([...rules, { id: id.value, status: 'Enabled', prefix: prefix.value, days: days.value, noncurrent: noncurrent.value, abort: abort.value }]);
    });
    mount(lifecycle, table(['ID', 'Prefix', 'Expire after', 'Noncurrent after', 'Abort uploads after', ''],
      rules.map((r, i) => [r.id, r.prefix || '(all)', r.days && `${r.days} d`, r.noncurrent && `${r.noncurrent} d`, r.abort && `${r.abort} d`,
        button('Remove', () => save(rules.filter((_, j) => j !== i)), 'danger')]), 'No rules: objects are kept until deleted.'), form);
  }

  async function showSharing() {
    const acc = await attempt(() => json('GET', `/v1/buckets/${encodeURIComponent(bucket)}/access`));
    if (!acc) { mount(sharing); return; }
    const pub = acc.acl === 'public-read' || acc.acl === 'public-read-write';
    const user = h('input', { required: true, spellcheck: 'false' });
    const perms = ['READ', 'WRITE', 'READ_ACP', 'WRITE_ACP', 'FULL_CONTROL'].map((p) => h('label.check', h('input', { type: 'checkbox', value: p, checked: p === 'READ' }), ` ${p}`));
    const grant = h('form.inline', { 'aria-label': 'Grant access to a user' }, field('User', user), h('fieldset', h('legend', 'Permissions'), perms),
      h('button', { type: 'submit' }, 'Grant'));
    grant.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const list = perms.map((l) => l.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
      attempt(() => json('PUT', `/v1/buckets/${encodeURIComponent(bucket)}/grants/${encodeURIComponent(user.value.trim())}`, { body: { permissions: list } }),
        `Access granted to ${user.value.trim()}.`).then(showSharing);
    });
    mount(sharing,
      h('p', 'Owner: ', h('strong', acc.owner), '. Canned ACL: ', h('code', acc.acl), '.'),
      button(pub ? 'Make private' : 'Make public (anyone may read)', () =>
        attempt(() => json('PUT', `/v1/buckets/${encodeURIComponent(bucket)}/public`, { body: { public: !pub } }), pub ? 'The bucket is private.' : 'The bucket is public.').then(showSharing)),
      h('h3', 'Grants'),
      table(['User', 'Permissions', ''], Object.entries(acc.grants || {}).map(([u, p]) => [u, [].concat(p).join(', '),
        button('Revoke', () => attempt(() => request('DELETE', `/v1/buckets/${encodeURIComponent(bucket)}/grants/${encodeURIComponent(u)}`), `Access of ${u} revoked.`).then(showSharing), 'danger')]),
      'No grants: only the owner and admins.'),
      grant,
      h('h3', 'Policy'), acc.policy ? h('pre', JSON.stringify(acc.policy, null, 2)) : h('p.empty', 'No bucket policy.'));
  }

  await Promise.all([showVersioning(), showLifecycle(), showSharing()]);
}

function lifecycleXml(rules) {
  const rule = (r) => `<Rule><ID>${escapeXml(r.id)}</ID><Filter><Prefix>${escapeXml(r.prefix || '')}</Prefix></Filter><Status>${r.status || 'Enabled'}</Status>` +
    (r.days ? `<Expiration><Days>${Number(r.days)}</Days></Expiration>` : '') +
    (r.noncurrent ? `<NoncurrentVersionExpiration><NoncurrentDays>${Number(r.noncurrent)}</NoncurrentDays></NoncurrentVersionExpiration>` : '') +
    (r.abort ? `<AbortIncompleteMultipartUpload><DaysAfterInitiation>${Number(r.abort)}</DaysAfterInitiation></AbortIncompleteMultipartUpload>` : '') +
    '</Rule>';
  return `<LifecycleConfiguration>${rules.map(rule).join('')}</LifecycleConfiguration>`;
}
