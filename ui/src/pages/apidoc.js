// apidoc.js - the OpenAPI document (/openapi.json) rendered: operations by path, with their
// parameters, request body and answers; schemas at the end.
import { h, mount, attempt, loading } from '../dom.js';

function ref(s) {
  if (!s) return '';
  if (s.$ref) return h('a', { href: `#/api?schema=${s.$ref.split('/').pop()}` }, s.$ref.split('/').pop());
  if (s.type === 'array') return ['array of ', ref(s.items)];
  return s.type || 'object';
}

export async function apiPage(main, { query }) {
  mount(main, h('h1', 'API'), loading());
  const doc = await attempt(() => fetch('/openapi.json').then((r) => r.json()));
  if (!doc) return;
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (typeof op !== 'object' || !op.responses) continue;
      const params = [...(item.parameters || []), ...(op.parameters || [])];
      const body = op.requestBody?.content && Object.entries(op.requestBody.content)[0];
      ops.push(h('details.op', { id: `op-${method}-${path}` },
        h('summary', h(`span.method.${method}`, method.toUpperCase()), ' ', h('code', path), ' ', h('span.hint', op.summary || '')),
        op.description ? h('p', op.description) : null,
        params.length ? h('table', h('thead', h('tr', h('th', 'Parameter'), h('th', 'In'), h('th', 'Type'), h('th', 'Description'))),
          h('tbody', params.map((p) => h('tr', h('td', h('code', p.name), p.required ? ' *' : ''), h('td', p.in), h('td', ref(p.schema)), h('td', p.description || ''))))) : null,
        body ? h('p', 'Body: ', h('code', body[0]), ' ', ref(body[1].schema)) : null,
        h('ul.responses', Object.entries(op.responses).map(([code, r]) => h('li', h('code', code), ' ', r.description || '',
          r.content ? [' — ', ref(Object.values(r.content)[0].schema)] : '')))));
    }
  }
  const schemas = Object.entries(doc.components?.schemas || {});
  const want = query.get('schema');
  mount(main, h('h1', doc.info?.title || 'API'), h('p', doc.info?.description || '', ' Version ', doc.info?.version || '', '. ',
    h('a', { href: '/openapi.json' }, 'openapi.json')), h('section', ops),
    h('h2', 'Schemas'), schemas.map(([name, s]) => h('details.schema', { id: `schema-${name}`, open: name === want },
      h('summary', h('code', name)), h('pre', JSON.stringify(s, null, 2)))));
  if (want) document.getElementById(`schema-${want}`)?.scrollIntoView();
}
