// main.js - the console's entry: the hash router (#/section/arg?query), the sign-in gate, the nav.
import './style.css';
import { signedIn, signOut } from './api.js';
import { h, mount, clearMessage } from './dom.js';
import { signinPage } from './pages/signin.js';
import { bucketsPage } from './pages/buckets.js';
import { bucketPage } from './pages/bucket.js';
import { datasetsPage, datasetPage } from './pages/datasets.js';
import { tasksPage } from './pages/tasks.js';
import { projectsPage, projectPage } from './pages/projects.js';
import { mirrorsPage } from './pages/mirrors.js';
import { serverPage } from './pages/server.js';
import { apiPage } from './pages/apidoc.js';

const routes = {
  buckets: bucketsPage, b: bucketPage, datasets: datasetsPage, d: datasetPage, tasks: tasksPage,
  projects: projectsPage, p: projectPage, mirrors: mirrorsPage, server: serverPage, api: apiPage,
};

let stopPage = null;   // a page's cleanup (timers), run when another page opens

function parse() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, q] = raw.split('?');
  const parts = path.split('/').map(decodeURIComponent);
  return { section: parts[0] || 'buckets', args: parts.slice(1).filter(Boolean), query: new URLSearchParams(q || '') };
}

function showNav(s) {
  const nav = document.getElementById('nav');
  nav.hidden = !s;
  for (const a of nav.querySelectorAll('[data-admin]')) a.hidden = !s?.admin;
  const { section } = parse();
  const mark = { b: 'buckets', d: 'datasets', p: 'projects' }[section] || section;
  for (const a of nav.querySelectorAll('a')) {
    if (a.getAttribute('href') === `#/${mark}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const who = document.getElementById('who');
  mount(who, s ? [h('span', { title: s.accessKey }, s.name || s.accessKey),
    h('button.link', { type: 'button', onclick: () => { signOut(); location.hash = '#/signin'; route(); } }, 'Sign out')] : []);
}

export async function route() {
  if (stopPage) { stopPage(); stopPage = null; }
  clearMessage();
  const main = document.getElementById('main');
  const s = signedIn();
  const r = parse();
  showNav(s);
  if (!s || r.section === 'signin') {
    if (s) { location.hash = '#/buckets'; return; }
    stopPage = await signinPage(main, () => { location.hash = '#/buckets'; route(); });
    return;
  }
  const page = routes[r.section];
  if (!page) { mount(main, h('h1', 'Not found'), h('p', 'There is no such page.')); return; }
  stopPage = (await page(main, r)) || null;
  main.focus({ preventScroll: true });
}

window.addEventListener('hashchange', route);
route();
