// console.test.js - the console end to end in headless Chromium (Debian's, driven by
// playwright-core) against a real cairn: CAIRN_URL, CAIRN_ACCESS_KEY, CAIRN_SECRET_KEY name it,
// DATASET a dataset with tags v1 and v2 (v2's README has a table), SHOTS the screenshot directory.
// Prints one "ok - ..." / "not ok - ..." line per check; exits non-zero when one failed.
import { chromium } from 'playwright-core';
import { AwsClient } from 'aws4fetch';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, mkdirSync } from 'node:fs';

const URL = process.env.CAIRN_URL, AK = process.env.CAIRN_ACCESS_KEY, SK = process.env.CAIRN_SECRET_KEY;
const DATASET = process.env.DATASET || 'demo', SHOTS = process.env.SHOTS || 'build/ui-screens';
const BUCKET = `console-${Date.now().toString(36)}`, PROJECT = `proj-${Date.now().toString(36)}`;
const api = new AwsClient({ accessKeyId: AK, secretAccessKey: SK, service: 's3', region: 'us-east-1', retries: 0 });
mkdirSync(SHOTS, { recursive: true });

let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    console.log(`ok - console: ${name}`);
  } catch (e) {
    failed++;
    await page.screenshot({ path: `${SHOTS}/failed-${failed}.png`, fullPage: true }).catch(() => {});
    console.log(`not ok - console: ${name}: ${String(e.message || e).split('\n')[0]}`);
  }
}
function expect(cond, what) { if (!cond) throw new Error(what); }
const sha = (b) => createHash('sha256').update(b).digest('hex');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const ctx = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
const page = await ctx.newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
page.setDefaultTimeout(30000);
// Every page shot is also checked for form controls and buttons without an accessible name.
const unnamed = [];
async function shot(name) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  const bad = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')].filter((e) =>
    !(e.labels?.length || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || (e.tagName === 'BUTTON' && e.textContent.trim())))
    .map((e) => e.outerHTML.slice(0, 80)));
  for (const b of bad) unnamed.push(`${name}: ${b}`);
}

async function signIn(secret) {   // on the sign-in page
  await page.getByLabel('Access key').fill(AK);
  await page.getByLabel('Secret key').fill(secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

await check('a browser opening / lands on the console', async () => {
  await page.goto(`${URL}/`);
  expect(new globalThis.URL(page.url()).pathname === '/ui/', `at ${page.url()}`);
  await page.getByRole('heading', { name: 'Sign in to cairn' }).waitFor();
  await shot('signin');
});

await check('a wrong secret shows "wrong access key or secret"', async () => {
  await signIn(SK.slice(0, -1) + (SK.endsWith('A') ? 'B' : 'A'));
  await page.locator('#message .error', { hasText: 'wrong access key or secret' }).waitFor();
  expect(await page.getByRole('heading', { name: 'Sign in to cairn' }).isVisible(), 'left the sign-in page');
  await shot('signin-error');
});

await check('sign in with the right key shows the buckets', async () => {
  await signIn(SK);
  await page.getByRole('heading', { name: 'Buckets' }).waitFor();
  expect(await page.evaluate(() => sessionStorage.getItem('cairn.session') !== null), 'the session is not kept in sessionStorage');
  expect(await page.evaluate(() => localStorage.length === 0), 'something went to localStorage');
});

await check('create a bucket', async () => {
  await page.getByLabel('New bucket').fill(BUCKET);
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('link', { name: BUCKET }).waitFor();
  const res = await api.fetch(`${URL}/${BUCKET}`, { method: 'HEAD' });
  expect(res.status === 200, `HEAD bucket ${res.status}`);
  await shot('buckets');
});

let want = '';
await check('upload a 20 MiB file by drag and drop (multipart), listed', async () => {
  await page.getByRole('link', { name: BUCKET }).click();
  await page.locator('.drop').waitFor();
  const dt = await page.evaluateHandle(() => {
    const n = 20 * 1024 * 1024, b = new Uint8Array(n);
    let x = 2463534242;
    for (let i = 0; i < n; i++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; b[i] = x & 255; }
    const d = new DataTransfer();
    d.items.add(new File([b], 'big.bin', { type: 'application/octet-stream' }));
    return d;
  });
  want = await page.evaluate(async (d) => {
    const h = await crypto.subtle.digest('SHA-256', await d.files[0].arrayBuffer());
    return [...new Uint8Array(h)].map((v) => v.toString(16).padStart(2, '0')).join('');
  }, dt);
  await page.dispatchEvent('.drop', 'drop', { dataTransfer: dt });
  await page.locator('.uploads li', { hasText: 'big.bin: uploaded' }).waitFor({ timeout: 120000 });
  await page.getByRole('link', { name: 'big.bin' }).waitFor();
  const head = await api.fetch(`${URL}/${BUCKET}/big.bin`, { method: 'HEAD' });
  expect(head.headers.get('content-length') === String(20 * 1024 * 1024), `size ${head.headers.get('content-length')}`);
  expect(/-\d+"$/.test(head.headers.get('etag') || ''), `not a multipart ETag: ${head.headers.get('etag')}`);
  await shot('bucket');
});

await check('download it: the same bytes', async () => {
  const [dl] = await Promise.all([page.waitForEvent('download'),
    page.locator('tr', { hasText: 'big.bin' }).getByRole('button', { name: 'Download' }).click()]);
  const path = `${SHOTS}/../ui-download.bin`;
  await dl.saveAs(path);
  expect(sha(readFileSync(path)) === want, 'the downloaded bytes differ');
});

await check('a presigned link with a chosen expiry, fetched with curl', async () => {
  await page.getByRole('link', { name: 'big.bin' }).click();
  await page.getByLabel('Link valid for').selectOption({ label: '1 hour' });
  await page.getByRole('button', { name: 'Make link' }).click();
  const box = page.getByLabel('Presigned link');
  await page.waitForFunction(() => document.querySelector('input.url').value.startsWith('http'));
  const link = await box.inputValue();
  expect(/X-Amz-Expires=3600/.test(link), `expiry not in ${link}`);
  const body = execFileSync('curl', ['-sf', link], { maxBuffer: 64 << 20 });
  expect(sha(body) === want, 'curl got other bytes');
  await shot('object');
});

await check('object tags saved', async () => {
  await page.getByLabel('One key=value per line').fill('team=storage\nstage=test');
  await page.getByRole('button', { name: 'Save tags' }).click();
  await page.locator('#message .ok', { hasText: 'Tags saved' }).waitFor();
  const t = await (await api.fetch(`${URL}/${BUCKET}/big.bin?tagging=`)).text();
  expect(t.includes('<Key>team</Key>') && t.includes('<Value>test</Value>'), t);
});

await check('bucket settings: versioning, a lifecycle rule, public', async () => {
  await page.goto(`${URL}/ui/#/b/${BUCKET}?tab=settings`);
  await page.getByRole('button', { name: 'Enable' }).click();
  await page.locator('.state', { hasText: 'Enabled' }).waitFor();
  await page.getByLabel('Prefix').fill('logs/');
  await page.getByLabel('Expire objects after (days)').fill('30');
  await page.getByRole('button', { name: 'Add rule' }).click();
  await page.locator('td', { hasText: 'logs/' }).waitFor();
  await page.getByRole('button', { name: /Make public/ }).click();
  await page.getByRole('button', { name: 'Make private' }).waitFor();
  const lc = await (await api.fetch(`${URL}/${BUCKET}?lifecycle=`)).text();
  expect(lc.includes('logs/') && lc.includes('<Days>30</Days>'), lc);
  const anon = await fetch(`${URL}/${BUCKET}/big.bin`, { method: 'HEAD' });
  expect(anon.status === 200, `anonymous HEAD of a public bucket: ${anon.status}`);
  await shot('bucket-settings');
});

await check(`dataset ${DATASET}: README rendered with its table`, async () => {
  await page.goto(`${URL}/ui/#/datasets`);
  await page.getByRole('link', { name: DATASET }).click();
  await page.getByRole('link', { name: 'v2' }).click();
  await page.locator('article.readme table th').first().waitFor();
  await page.locator('code.cmd', { hasText: `cairn pull ${DATASET}:v2` }).waitFor();
  await shot('dataset');
});

await check('diff two versions: changes and shared bytes', async () => {
  const opts = await page.getByLabel('From').locator('option').allTextContents();
  await page.getByLabel('From').selectOption({ label: opts.find((o) => o.startsWith('v1 ')) });
  await page.getByLabel('To').selectOption({ label: opts.find((o) => o.startsWith('v2 ')) });
  await page.getByRole('button', { name: 'Compare' }).click();
  const s = await page.locator('p.summary').textContent();
  expect(/1 changed/.test(s) && /share/.test(s), s);
  await page.locator('td', { hasText: 'README.md' }).first().waitFor();
  await shot('dataset-diff');
});

await check('a gc task queued from the console finishes', async () => {
  await page.goto(`${URL}/ui/#/tasks`);
  await page.getByRole('button', { name: 'Run garbage collection' }).click();
  await page.locator('tr', { hasText: 'gc' }).locator('.state.succeeded').first().waitFor({ timeout: 60000 });
  await shot('tasks');
});

await check("create a project and change its quota", async () => {
  await page.goto(`${URL}/ui/#/projects`);
  await page.getByLabel('Project ID').fill(PROJECT);
  await page.getByLabel('Quota (GB)', { exact: true }).fill('2');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('link', { name: PROJECT }).click();
  await page.getByLabel('Quota (GB)', { exact: true }).fill('5');
  await page.getByRole('button', { name: 'Set quota' }).click();
  await page.locator('#message .ok', { hasText: 'set to 5 GB' }).waitFor({ timeout: 60000 });
  const p = await (await api.fetch(`${URL}/v1/projects/${PROJECT}`)).json();
  expect(p.storage.quotaGb === 5 && p.storage.quotaBytes === 5 * 2 ** 30, JSON.stringify(p.storage));
  await page.locator('figure svg.graph, p.empty').first().waitFor();
  await shot('project');
});

await check("provision the admin's home, then change its quota", async () => {
  await page.goto(`${URL}/ui/#/projects`);
  await page.getByRole('heading', { name: 'Homes', exact: true }).waitFor();
  await page.getByLabel('User', { exact: true }).selectOption('admin');
  await page.getByLabel('Home quota (GB)').fill('3');
  await page.getByRole('button', { name: 'Provision home' }).click();
  const q = page.getByLabel('home quota of admin (GB)');
  await q.waitFor({ timeout: 60000 });
  await q.fill('4');
  await page.locator('tr', { hasText: 'admin' }).getByRole('button', { name: 'Set' }).click();
  await page.locator('#message .ok', { hasText: 'Home quota of admin set to 4 GB' }).waitFor({ timeout: 60000 });
  const u = await (await api.fetch(`${URL}/v1/users/admin`)).json();
  expect(JSON.stringify(u).includes('"quotaGb":4'), JSON.stringify(u));
  await shot('projects');
});

for (const [name, path, heading] of [['server', '#/server', 'Volumes'], ['mirrors', '#/mirrors', 'Entries'], ['api', '#/api', 'Schemas']]) {
  await check(`the ${name} page shows`, async () => {
    await page.goto(`${URL}/ui/${path}`);
    await page.getByRole('heading', { name: heading }).waitFor();
    await shot(name);
  });
}

await check('phone width: no horizontal scroll on the bucket list', async () => {
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`${URL}/ui/#/buckets`);
  await page.getByRole('link', { name: BUCKET }).waitFor();
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(w <= 375, `page is ${w}px wide`);
  await shot('phone-buckets');
});

await check('sign out forgets the secret', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to cairn' }).waitFor();
  expect(await page.evaluate(() => sessionStorage.getItem('cairn.session') === null), 'the session is still stored');
});

await check('every control on every page has an accessible name', async () => {
  expect(unnamed.length === 0, unnamed.slice(0, 5).join(' | '));
});

await check('no script errors on any page', async () => {
  const real = pageErrors.filter((e) => !/status of 40[34]/.test(e));   // refused requests the pages expect
  expect(real.length === 0, real.join(' | '));
});

await browser.close();
process.exit(failed ? 1 : 0);
