// tasks.js - asynchronous tasks, newest first, refreshed every second while the page is open:
// state, progress, result or error; cancel a running one; an admin can queue a gc or a balance.
import { json, signedIn } from '../api.js';
import { h, mount, table, attempt, when, button, say } from '../dom.js';

const ACTIVE = new Set(['queued', 'running']);

export async function tasksPage(main) {
  const list = h('div');
  const admin = signedIn()?.admin;
  const queue = (what) => attempt(async () => {
    const t = await json('POST', `/v1/${what}`);
    say(`${what} queued as task ${t.id}.`);
    await render();
  });
  mount(main, h('h1', 'Tasks'),
    admin ? h('div.inline', button('Run garbage collection', () => queue('gc')), button('Run balance', () => queue('balance'))) : null,
    list);
  let timer = null, stopped = false;
  async function render() {
    const j = await attempt(() => json('GET', '/v1/tasks', { query: { limit: '50' } }));
    if (!j || stopped) return;
    mount(list, table(['Task', 'Kind', 'State', 'Progress', 'Created', 'Finished', 'Result', ''], j.tasks.map((t) => {
      const p = t.progress || {};
      return [h('code', { title: t.id }, t.id.slice(0, 10)), t.kind, h(`span.state.${t.state}`, t.state),
        h('span.progress', h('progress', { max: p.total || 1, value: p.total ? p.done : (t.state === 'succeeded' ? 1 : 0), 'aria-label': `progress of ${t.id}` }),
          ` ${p.message || ''}`),
        when(t.created), when(t.finished),
        t.error ? h('span.error', typeof t.error === 'string' ? t.error : JSON.stringify(t.error))
          : t.result ? h('details', h('summary', 'result'), h('pre', JSON.stringify(t.result, null, 2))) : '',
        ACTIVE.has(t.state) && !t.cancel_requested ? button('Cancel', () => attempt(() => json('POST', `/v1/tasks/${t.id}/cancel`), 'Cancel requested.').then(render)) : ''];
    }), 'No tasks yet.'));
  }
  await render();
  const tick = async () => { await render(); if (!stopped) timer = setTimeout(tick, 1000); };
  timer = setTimeout(tick, 1000);
  return () => { stopped = true; clearTimeout(timer); };
}
