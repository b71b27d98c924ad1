// diff.js - what changed between two dataset manifests ({"files": [{path, type, size, blocks}]}),
// and how many bytes of the second version's blocks the first already holds (blocks are
// "SHA256+SIZE" locators: the same block is the same bytes, stored once).
export function diffManifests(a, b) {
  const byPath = (m) => new Map((m.files || []).filter((f) => f.type !== 'dir').map((f) => [f.path, f]));
  const pa = byPath(a), pb = byPath(b);
  const added = [], removed = [], changed = [];
  let same = 0;
  const key = (f) => `${f.type}:${f.size ?? ''}:${(f.blocks || []).join(',')}:${f.target ?? ''}`;
  for (const [p, f] of pb) {
    const o = pa.get(p);
    if (!o) added.push(f);
    else if (key(o) !== key(f)) changed.push([o, f]);
    else same++;
  }
  for (const [p, f] of pa) if (!pb.has(p)) removed.push(f);
  const blocks = (m) => {
    const s = new Map();
    for (const f of m.files || []) for (const l of f.blocks || []) s.set(l.split('+')[0], Number(l.split('+')[1]) || 0);
    return s;
  };
  const ba = blocks(a), bb = blocks(b);
  let sharedBytes = 0, newBytes = 0;
  for (const [id, size] of bb) { if (ba.has(id)) sharedBytes += size; else newBytes += size; }
  const total = sharedBytes + newBytes;
  const sharedPct = total ? Math.floor((sharedBytes / total) * 1000) / 10 : 100;   // never "100%" with new bytes
  const sort = (x) => x.sort((p, q) => ((p.path || p[0].path) < (q.path || q[0].path) ? -1 : 1));
  return { added: sort(added), removed: sort(removed), changed: sort(changed), same, sharedBytes, newBytes, sharedPct };
}
