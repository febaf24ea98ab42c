// What the web client needs from the server: its files (precompressed, cached, with
// single-page routing and never a file from outside the web root), the first-run setup
// methods and client.boot.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParleyServer } from '../lib/server.mjs';

const INDEX = '<!doctype html><title>Parley</title><div id="app"></div>';
const SCRIPT = 'console.log("parley client");'.repeat(50);

let server, webRoot;

before(async () => {
  webRoot = mkdtempSync(join(tmpdir(), 'parley-web-'));
  mkdirSync(join(webRoot, 'assets'));
  writeFileSync(join(webRoot, 'index.html'), INDEX);
  writeFileSync(join(webRoot, 'assets', 'app-1a2b3c.js'), SCRIPT);
  writeFileSync(join(webRoot, 'assets', 'app-1a2b3c.js.gz'), gzipSync(SCRIPT));
  writeFileSync(join(webRoot, 'robots.txt'), 'User-agent: *\n');
  server = await new ParleyServer({ extraArgs: ['--web-root', webRoot] }).start();
});

after(async () => {
  await server.stop();
  server.cleanup();
  rmSync(webRoot, { recursive: true, force: true });
});

function get(path, headers = {}) {
  return fetch(`${server.url}${path}`, { headers });
}

// Sends a request line exactly as written (fetch would normalise "..").
function rawGet(path) {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('static files', () => {
  test('index.html at / and for every client route, revalidated, with a strict CSP', async () => {
    for (const path of ['/', '/join/abc123', '/client/T1/C2', '/archives/C1/p1700000000123456']) {
      const response = await get(path);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get('content-type'), /^text\/html/);
      assert.equal(response.headers.get('cache-control'), 'no-cache');
      assert.match(response.headers.get('content-security-policy'), /script-src 'self'/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(await response.text(), INDEX);
    }
  });

  test('hashed assets: gzip when accepted, identity otherwise, cached for a year', async () => {
    const zipped = await get('/assets/app-1a2b3c.js', { 'accept-encoding': 'gzip' });
    assert.equal(zipped.status, 200);
    assert.equal(zipped.headers.get('content-encoding'), 'gzip');
    assert.match(zipped.headers.get('content-type'), /^text\/javascript/);
    assert.match(zipped.headers.get('cache-control'), /immutable/);
    assert.equal(await zipped.text(), SCRIPT);

    const plain = await get('/assets/app-1a2b3c.js', { 'accept-encoding': 'identity' });
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.equal(await plain.text(), SCRIPT);

    const refused = await get('/assets/app-1a2b3c.js', { 'accept-encoding': 'gzip;q=0' });
    assert.equal(refused.headers.get('content-encoding'), null);
  });

  test('missing files are 404, not the index; other files keep their type', async () => {
    for (const path of ['/assets/gone-123.js', '/favicon.ico', '/styles.css']) {
      const response = await get(path);
      assert.equal(response.status, 404, path);
      assert.deepEqual(await response.json(), { ok: false, error: 'not_found' });
    }
    const robots = await get('/robots.txt');
    assert.match(robots.headers.get('content-type'), /^text\/plain/);
  });

  test('nothing outside the web root is served', async () => {
    for (const path of ['/../../../../etc/passwd', '/assets/../../../etc/hostname.txt']) {
      const answer = await rawGet(path);
      assert.doesNotMatch(answer, /root:/, path);
    }
    const encoded = await rawGet('/%2e%2e/%2e%2e/etc/passwd.txt');
    assert.match(encoded, /^HTTP\/1\.1 404/);
  });

  test('only GET and HEAD reach the files', async () => {
    const head = await fetch(`${server.url}/`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    const post = await server.raw('/', { method: 'POST', body: 'x' });
    assert.equal(post.status, 404);
  });

  test('a server without a built client says so', async () => {
    const bare = await new ParleyServer({
      extraArgs: ['--web-root', join(webRoot, 'missing')],
    }).start();
    try {
      const response = await fetch(`${bare.url}/`);
      assert.equal(response.status, 404);
      assert.match(await response.text(), /not built/);
      assert.equal((await bare.api('api.test')).ok, true);
    } finally {
      await bare.stop();
      bare.cleanup();
    }
  });
});

describe('first-run setup and client.boot', () => {
  const ownerArgs = {
    team_name: 'Globex',
    email: 'Hank@Globex.test',
    password: 'a long enough passphrase',
    name: 'hank',
    real_name: 'Hank Scorpio',
  };
  let owner;

  test('setup.createWorkspace works once, while setup.info says it is needed', async () => {
    assert.equal((await server.api('setup.info')).setup_required, true);
    const missing = await server.api('setup.createWorkspace', null, { ...ownerArgs, email: '' });
    assert.equal(missing.error, 'invalid_email');
    const short = await server.api('setup.createWorkspace', null, { ...ownerArgs, password: 'x' });
    assert.equal(short.error, 'password_too_short');
    const unnamed = await server.api('setup.createWorkspace', null, {
      ...ownerArgs,
      team_name: '',
    });
    assert.equal(unnamed.error, 'invalid_name');

    owner = await server.api('setup.createWorkspace', null, ownerArgs);
    assert.equal(owner.ok, true, owner.error);
    assert.match(owner.token, /^xoxc-/);
    assert.equal(owner.user.is_owner, true);
    assert.equal(owner.user.real_name, 'Hank Scorpio');
    assert.equal(owner.team.name, 'Globex');
    assert.equal((await server.api('auth.test', owner.token)).user_id, owner.user_id);

    assert.equal((await server.api('setup.info')).setup_required, false);
    const again = await server.api('setup.createWorkspace', null, {
      ...ownerArgs,
      email: 'intruder@evil.test',
    });
    assert.equal(again.error, 'setup_already_done');
  });

  test('client.boot: self, team, every membership with unread counts, DM people', async () => {
    const invite = await server.api('invites.create', owner.token, {});
    const homer = await server.api('invites.accept', null, {
      code: invite.invite.code,
      email: 'homer@globex.test',
      password: 'another long passphrase',
      name: 'homer',
    });
    assert.equal(homer.ok, true, homer.error);
    const general = (await server.api('conversations.list', owner.token)).channels.find(
      (c) => c.is_general,
    );
    await server.api('chat.postMessage', homer.token, {
      channel: general.id,
      text: 'hi <@' + owner.user_id + '>',
    });
    await server.api('chat.postMessage', homer.token, { channel: general.id, text: 'anyone?' });
    const dm = await server.api('conversations.open', homer.token, { users: owner.user_id });
    await server.api('chat.postMessage', homer.token, { channel: dm.channel.id, text: 'psst' });
    await server.api('conversations.create', homer.token, { name: 'homers-own' });

    const boot = await server.api('client.boot', owner.token);
    assert.equal(boot.ok, true, boot.error);
    assert.equal(boot.self.id, owner.user_id);
    assert.equal(boot.team.id, owner.team_id);
    const byId = new Map(boot.channels.map((c) => [c.id, c]));
    assert.equal(byId.get(general.id).unread_count, 2);
    assert.equal(byId.get(general.id).mention_count, 1);
    assert.equal(byId.get(dm.channel.id).unread_count, 1);
    assert.equal(byId.get(dm.channel.id).user, homer.user_id);
    assert.equal(
      boot.channels.some((c) => c.name === 'homers-own'),
      false,
      'only memberships',
    );
    const people = boot.users.map((u) => u.id).sort();
    assert.deepEqual(people, [owner.user_id, homer.user_id].sort());
    assert.ok(boot.users.every((u) => u.presence === 'away' || u.presence === 'active'));

    assert.equal((await server.api('client.boot')).error, 'not_authed');
  });
});
