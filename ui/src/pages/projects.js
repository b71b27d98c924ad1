// projects.js - projects and homes (the filer-gateway's API): projects listed and created; one
// project's quota (change it), usage over time as a graph, members and roles (add, change,
// remove), delete; users' homes (admins: provision one, change its quota). Changes are tasks: the
// page waits for each to end and shows how it ended.
import { json, signedIn } from '../api.js';
import { h, mount, table, attempt, bytes, loading, button, field, say } from '../dom.js';
import { usageGraph } from '../graph.js';

const enc = encodeURIComponent;
const ROLES = ['manager', 'contributor', 'viewer', 'traverse'];
const GB = 2 ** 30;   // the filer-gateway's quotaGb counts GiB

// Waits (long poll, a minute at most) for a filer-gateway task; throws when it did not succeed.
async function finished(answer, kind = 'project') {
  const id = answer?.taskID;
  if (!id) return;
  for (let i = 0; i < 60; i++) {
    const t = await json('GET', `/v1/tasks/${kind}/${enc(id)}`);
    const st = t.taskStatus?.status;
    if (st === 'succeeded') return;
    if (st === 'failed' || st === 'canceled') throw new Error(t.taskStatus.error || `the task ${st}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the task is still running: see Tasks');
}

function usageBar(s) {
  const used = s.usageBytes ?? (s.usageMb || 0) * 1e6;
  const quota = s.quotaBytes ?? (s.quotaGb || 0) * GB;
  return h('span.usage', bytes(used), quota ? [' of ', bytes(quota), ' ', h('meter', { min: 0, max: quota, value: used, high: quota * 0.9, 'aria-label': 'usage of the quota' })] : ' (no quota)');
}

export async function projectsPage(main) {
  mount(main, h('h1', 'Projects and homes'), loading());
  const j = await attempt(() => json('GET', '/v1/projects'));
  if (!j) return;
  const id = h('input', { required: true, pattern: '[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]', title: '3 to 63 lowercase letters, digits, dots and hyphens (it names the bucket)', spellcheck: 'false' });
  const quota = h('input', { type: 'number', min: 0, value: 10, required: true });
  const form = h('form.inline', { 'aria-label': 'Create a project' }, field('Project ID', id), field('Quota (GB)', quota), h('button', { type: 'submit' }, 'Create'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const ok = await attempt(async () => finished(await json('POST', '/v1/projects', { body: { projectID: id.value.trim(), storage: { system: 'cairn', quotaGb: Number(quota.value) }, members: [] } })),
      `Project ${id.value.trim()} created.`);
    if (ok !== undefined) projectsPage(main);
  });
  const homes = h('section.card', h('h2', 'Homes'));
  mount(main, h('h1', 'Projects and homes'), signedIn()?.admin ? form : null,
    table(['Project', 'System', 'Usage', 'Members'], j.projects.map((p) => [
      h('a', { href: `#/p/${enc(p.projectID)}` }, p.projectID), p.storage?.system || '', usageBar(p.storage || {}), String((p.members || []).length)]),
    'No projects yet.'), signedIn()?.admin ? homes : null);
  if (signedIn()?.admin) await homesCard(homes, () => projectsPage(main));
}

// Users' homes (admins): each user's home with its usage and quota, provisioning one.
async function homesCard(card, reload) {
  const j = await attempt(() => json('GET', '/v1/users'));
  if (!j) return;
  const rows = j.users.filter((u) => u.storage && u.storage.system !== 'none').map((u) => {
    const q = h('input', { type: 'number', min: 0, step: 1, value: u.storage.quotaGb ?? 0, 'aria-label': `home quota of ${u.userID} (GB)` });
    return [u.userID, usageBar(u.storage), h('span.actions', q, button('Set', () => attempt(async () =>
      finished(await json('PATCH', `/v1/users/${enc(u.userID)}`, { body: { storage: { quotaGb: Number(q.value) } } }), 'user'),
    `Home quota of ${u.userID} set to ${q.value} GB.`).then((r) => r !== undefined && reload())))];
  });
  const who = h('select', j.users.filter((u) => !u.storage || u.storage.system === 'none').map((u) => h('option', { value: u.userID }, u.userID)));
  const quota = h('input', { type: 'number', min: 0, step: 1, value: 10, required: true });
  const form = h('form.inline', { 'aria-label': 'Provision a home' }, field('User', who), field('Home quota (GB)', quota), h('button', { type: 'submit' }, 'Provision home'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await attempt(async () => finished(await json('POST', '/v1/users', { body: { userID: who.value, storage: { system: 'cairn', quotaGb: Number(quota.value) } } }), 'user'),
      `Home of ${who.value} provisioned.`);
    if (r !== undefined) reload();
  });
  mount(card, h('h2', 'Homes'), table(['User', 'Usage', 'Quota (GB)'], rows, 'No homes yet.'), who.options.length ? form : null);
}

export async function projectPage(main, { args }) {
  const name = args[0];
  const path = `/v1/projects/${enc(name)}`;
  mount(main, h('h1', name), loading());
  const p = await attempt(() => json('GET', path));
  if (!p) return;
  const patch = (body, done) => attempt(async () => finished(await json('PATCH', path, { body })), done).then((r) => { if (r !== undefined) projectPage(main, { args }); });

  const quota = h('input', { type: 'number', min: 0, step: 1, required: true, value: p.storage?.quotaGb ?? Math.round((p.storage?.quotaBytes || 0) / GB) });
  const quotaForm = h('form.inline', { 'aria-label': 'Change the quota' }, field('Quota (GB)', quota), h('button', { type: 'submit' }, 'Set quota'));
  quotaForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    patch({ storage: { quotaGb: Number(quota.value) } }, `Quota of ${name} set to ${quota.value} GB.`);
  });

  const user = h('input', { required: true, spellcheck: 'false' });
  const role = h('select', ROLES.map((r) => h('option', { value: r }, r)));
  const addForm = h('form.inline', { 'aria-label': 'Add a member' }, field('User', user), field('Role', role), h('button', { type: 'submit' }, 'Add member'));
  addForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    patch({ members: [{ userID: user.value.trim(), role: role.value }] }, `${user.value.trim()} is now ${role.value}.`);
  });
  const members = table(['User', 'Role', ''], (p.members || []).map((m) => {
    const sel = h('select', { 'aria-label': `role of ${m.userID}`, onchange: () => patch({ members: [{ userID: m.userID, role: sel.value }] }, `${m.userID} is now ${sel.value}.`) },
      ROLES.map((r) => h('option', { value: r, selected: r === m.role }, r)));
    return [m.userID, sel, button('Remove', () => patch({ members: [{ userID: m.userID, role: 'none' }] }, `${m.userID} removed.`), 'danger')];
  }), 'No members.');

  const graph = h('div', loading());
  mount(main, h('h1', name),
    h('nav.crumbs', { 'aria-label': 'Project' }, h('a', { href: '#/projects' }, 'Projects'), ' / ', name),
    h('section.card', h('h2', 'Storage'),
      h('dl.facts', h('dt', 'System'), h('dd', p.storage?.system || ''), h('dt', 'Usage'), h('dd', usageBar(p.storage || {})),
        p.bucket ? [h('dt', 'Bucket'), h('dd', h('a', { href: `#/b/${enc(p.bucket)}` }, p.bucket))] : null),
      quotaForm),
    h('section.card', h('h2', 'Usage over time'), graph),
    h('section.card', h('h2', 'Members'), members, addForm),
    h('section.card', h('h2', 'Delete'), h('p', 'Only an empty project can be deleted.'),
      button(`Delete ${name}`, async () => {
        if (!confirm(`Delete the project ${name}?`)) return;
        if (await attempt(() => json('DELETE', path), `Project ${name} deleted.`) !== undefined) location.hash = '#/projects';
      }, 'danger')));
  const u = await attempt(() => json('GET', `${path}/usage`));
  mount(graph, u ? usageGraph(u.samples || [], p.storage?.quotaBytes ?? (p.storage?.quotaGb || 0) * GB) : null);
  if (!u) say('No usage history.', 'error');
}
