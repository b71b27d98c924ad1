// api.js - the console's only way to cairn: every request SigV4-signed in the browser (aws4fetch)
// with the key the user signed in with, kept in sessionStorage (this tab only; cleared on sign-out).
import { AwsClient, AwsV4Signer } from 'aws4fetch';

const KEY = 'cairn.session';
let session = JSON.parse(sessionStorage.getItem(KEY) || 'null');
let client = session && makeClient(session);

function makeClient(s) {
  return new AwsClient({ accessKeyId: s.accessKey, secretAccessKey: s.secret, service: 's3', region: s.region, retries: 0 });
}

export function signedIn() { return session; }

export function signIn(s) {
  session = s;
  client = makeClient(s);
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function signOut() {
  session = null;
  client = null;
  sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

// An error answer as ApiError: S3 XML (<Error><Code>), cairn's JSON ({"error":{...}}) or text.
async function failure(res) {
  const text = await res.text();
  let code = '', message = '';
  if (text.startsWith('<')) {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    code = doc.querySelector('Code')?.textContent || '';
    message = doc.querySelector('Message')?.textContent || '';
  } else {
    try {
      const j = JSON.parse(text);
      code = j.error?.code || '';
      message = j.error?.message || j.errorMessage || '';   // cairn's errors, the filer-gateway's
    } catch { message = text.slice(0, 200); }
  }
  if (code === 'SignatureDoesNotMatch' || code === 'InvalidAccessKeyId') message = 'wrong access key or secret';
  return new ApiError(res.status, code, message || `${res.status} ${res.statusText}`);
}

// Text for an XML body.
export function escapeXml(s) {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' }[c]));
}

// "/bucket/a/b c" for an object key: each segment percent-encoded, the slashes kept.
export function objectPath(bucket, key) {
  return `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

export function url(path, query) {
  const u = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null) u.searchParams.set(k, v);
  return u.toString();
}

// A signed request; resolves to the Response when it is a success, else throws ApiError.
export async function request(method, path, { query, headers, body } = {}) {
  if (!client) throw new ApiError(401, 'SignedOut', 'sign in first');
  const res = await client.fetch(url(path, query), { method, headers, body });
  if (!res.ok) throw await failure(res);
  return res;
}

export async function json(method, path, opts = {}) {
  const o = { ...opts };
  if (o.body !== undefined && typeof o.body !== 'string') {
    o.body = JSON.stringify(o.body);
    o.headers = { 'Content-Type': 'application/json', ...(o.headers || {}) };
  }
  const res = await request(method, path, o);
  const t = await res.text();
  return t ? JSON.parse(t) : null;
}

export async function xml(method, path, opts) {
  const res = await request(method, path, opts);
  return new DOMParser().parseFromString(await res.text(), 'application/xml');
}

// Child elements of node named tag, each as {Name: text} of its own children.
export function records(node, tag) {
  return [...node.getElementsByTagName(tag)].map((e) => {
    const o = {};
    for (const c of e.children) o[c.localName] = c.children.length ? c : c.textContent;
    return o;
  });
}

export function text(node, tag) {
  return node.getElementsByTagName(tag)[0]?.textContent ?? '';
}

// A presigned URL (query signature) valid for `expires` seconds.
export async function presign(method, path, expires, query) {
  const u = new URL(url(path, query));
  u.searchParams.set('X-Amz-Expires', String(expires));
  const signer = new AwsV4Signer({ method, url: u.toString(), accessKeyId: session.accessKey,
    secretAccessKey: session.secret, service: 's3', region: session.region, signQuery: true });
  return (await signer.sign()).url.toString();
}

// A signed upload through XMLHttpRequest, which reports progress (fetch does not); resolves to the
// response's headers getter.
export async function upload(method, path, { query, headers, body, onProgress }) {
  const signer = new AwsV4Signer({ method, url: url(path, query), headers: headers || {},
    accessKeyId: session.accessKey, secretAccessKey: session.secret, service: 's3', region: session.region });
  const signed = await signer.sign();
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open(method, signed.url.toString());
    for (const [k, v] of signed.headers) if (k !== 'host') x.setRequestHeader(k, v);
    x.upload.onprogress = (e) => onProgress && onProgress(e.loaded);
    x.onload = async () => {
      if (x.status >= 200 && x.status < 300) resolve((h) => x.getResponseHeader(h));
      else reject(await failure(new Response(x.responseText, { status: x.status, statusText: x.statusText })));
    };
    x.onerror = () => reject(new ApiError(0, 'NetworkError', 'the upload was cut off'));
    x.send(body);
  });
}
