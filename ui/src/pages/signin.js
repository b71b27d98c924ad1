// signin.js - sign-in with an access key and secret; checked by a signed ListBuckets before kept.
import { signIn, signOut, request, ApiError } from '../api.js';
import { h, mount, field, say } from '../dom.js';

export async function signinPage(main, done) {
  const key = h('input', { name: 'access_key', autocomplete: 'username', required: true, spellcheck: 'false' });
  const secret = h('input', { name: 'secret', type: 'password', autocomplete: 'current-password', required: true });
  const region = h('input', { name: 'region', value: 'us-east-1', required: true });
  const go = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form.card.signin', { 'aria-labelledby': 'signin-h' },
    h('h1', { id: 'signin-h' }, 'Sign in to cairn'),
    field('Access key', key), field('Secret key', secret),
    h('details', h('summary', 'Region'), field('SigV4 region (the server\'s "region" setting)', region)),
    go,
    h('p.hint', 'Requests are signed in this browser with AWS Signature V4; the secret stays in this tab (session storage) and is forgotten when you sign out or close it.'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    go.disabled = true;
    signIn({ accessKey: key.value.trim(), secret: secret.value, region: region.value.trim() || 'us-east-1' });
    try {
      const res = await request('GET', '/');   // ListBuckets: proves the key and secret
      const doc = new DOMParser().parseFromString(await res.text(), 'application/xml');
      const name = doc.querySelector('Owner > DisplayName')?.textContent || '';
      let admin = false;
      try { await request('GET', '/v1/status'); admin = true; } catch (e) { if (!(e instanceof ApiError)) throw e; }
      signIn({ accessKey: key.value.trim(), secret: secret.value, region: region.value.trim() || 'us-east-1', admin, name });
      done();
    } catch (e) {
      signOut();
      say(e.status === 403 || e.status === 401 ? 'wrong access key or secret' : e.message, 'error');
      go.disabled = false;
      secret.focus();
    }
  });
  mount(main, form);
  key.focus();
}
