// server.js - the server at a glance (admins): volumes and their space, stored vs logical bytes
// and the dedup ratio, request rates and errors over the last seconds (from /metrics, read every
// 5 s), blocks found corrupt and repaired, the buffer pool.
import { json, request } from '../api.js';
import { h, mount, table, attempt, bytes, loading } from '../dom.js';
import { parseMetrics, total } from '../metrics.js';

export async function serverPage(main) {
  mount(main, h('h1', 'Server'), loading());
  let prev = null, timer = null, stopped = false;
  async function render() {
    const [st, text] = await Promise.all([attempt(() => json('GET', '/v1/status')), attempt(() => request('GET', '/metrics').then((r) => r.text()))]);
    if (!st || !text || stopped) return;
    const m = parseMetrics(text);
    const now = { t: Date.now(), req: total(m, 'cairn_http_requests_total'),
      err: total(m, 'cairn_http_requests_total', (l) => /^5/.test(l.code || l.status || '')),
      cli: total(m, 'cairn_http_requests_total', (l) => /^4/.test(l.code || l.status || '')) };
    const rate = (k) => (prev ? ((now[k] - prev[k]) / ((now.t - prev.t) / 1000)).toFixed(1) + ' /s' : 'measuring…');
    prev = now;
    const g = (n) => total(m, n);
    const stored = g('cairn_store_bytes'), logical = g('cairn_object_bytes') + g('cairn_dataset_version_bytes');
    mount(main, h('h1', 'Server'),
      h('section.card', h('h2', 'Volumes'), table(['Path', 'Read-only', 'Used', 'Available'], st.volumes.map((v) => [
        h('code', v.path), v.read_only ? 'yes' : 'no', bytes(v.used), bytes(v.available)]))),
      h('section.card', h('h2', 'Storage'), h('dl.facts',
        h('dt', 'Blocks stored'), h('dd', g('cairn_store_blocks').toLocaleString('en'), ' (', bytes(stored), ')'),
        h('dt', 'Objects'), h('dd', g('cairn_objects').toLocaleString('en'), ' (', bytes(g('cairn_object_bytes')), ')'),
        h('dt', 'Dataset versions'), h('dd', g('cairn_dataset_versions').toLocaleString('en'), ' (', bytes(g('cairn_dataset_version_bytes')), ')'),
        h('dt', 'Dedup ratio'), h('dd', h('strong.ratio', `${(g('cairn_dedup_ratio') || (stored ? logical / stored : 1)).toFixed(2)} ×`)),
        h('dt', 'Corrupt blocks found'), h('dd', h(`strong${g('cairn_blocks_corrupt_total') ? '.error' : ''}`, String(g('cairn_blocks_corrupt_total'))),
          `, repaired ${g('cairn_blocks_repaired_total')}, quarantined ${g('cairn_blocks_quarantined_total')}`))),
      h('section.card', h('h2', 'Requests'), h('dl.facts',
        h('dt', 'Rate'), h('dd', rate('req')), h('dt', 'Server errors (5xx)'), h('dd', rate('err'), ` (${now.err} in all)`),
        h('dt', 'Client errors (4xx)'), h('dd', rate('cli'), ` (${now.cli} in all)`),
        h('dt', 'In flight'), h('dd', String(g('cairn_http_requests_in_flight'))),
        h('dt', 'Uptime'), h('dd', `${Math.round(g('cairn_uptime_seconds'))} s`))),
      h('section.card', h('h2', 'Buffer pool'), h('dl.facts',
        h('dt', 'Buffers'), h('dd', `${st.buffers.in_use} in use of ${st.buffers.count} × `, bytes(st.buffers.size)),
        h('dt', 'Waits / timeouts'), h('dd', `${st.buffers.waits} / ${st.buffers.timeouts}`))));
  }
  await render();
  const tick = async () => { await render(); if (!stopped) timer = setTimeout(tick, 5000); };
  timer = setTimeout(tick, 5000);
  return () => { stopped = true; clearTimeout(timer); };
}
