// Malformed requests, each answered with the right error; the server keeps serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startWithTeam } from '../lib/server.mjs';

let server, owner, general;

before(async () => {
  ({ server, owner } = await startWithTeam({ members: 0 }));
  const list = await server.api('conversations.list', owner.token);
  general = list.channels.find((c) => c.is_general).id;
});

after(async () => {
  await server.stop();
  server.cleanup();
});

const form = 'application/x-www-form-urlencoded';
const auth = () => ({ authorization: `Bearer ${owner.token}` });

// Sends raw bytes over a socket and returns the first line of the answer ('' if none).
function rawExchange(bytes) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    let answer = '';
    socket.setTimeout(5000, () => {
      socket.destroy();
      resolve(answer.split('\r\n')[0]);
    });
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(answer.split('\r\n')[0]));
    socket.on('error', (e) => (answer ? resolve(answer.split('\r\n')[0]) : reject(e)));
    socket.write(bytes);
  });
}

const apiCases = [
  ['unknown method', 'chat.nothing', {}, 'unknown_method'],
  ['missing channel', 'chat.postMessage', { text: 'hi' }, 'channel_not_found'],
  ['missing text', 'chat.postMessage', { channel: '$general' }, 'no_text'],
  [
    'channel of the wrong shape',
    'conversations.info',
    { channel: "'; DROP TABLE messages; --" },
    'channel_not_found',
  ],
  [
    'limit not a number',
    'conversations.history',
    { channel: '$general', limit: 'lots' },
    'invalid_limit',
  ],
  ['negative limit', 'users.list', { limit: '-5' }, 'invalid_limit'],
  [
    'cursor garbage',
    'conversations.history',
    { channel: '$general', cursor: '%%%' },
    'invalid_cursor',
  ],
  [
    'ts garbage',
    'chat.update',
    { channel: '$general', ts: 'yesterday', text: 'x' },
    /^(invalid_ts|message_not_found)$/,
  ],
  [
    'oldest garbage',
    'conversations.history',
    { channel: '$general', oldest: '1e9' },
    /^invalid_(ts_oldest|ts|arguments)$/,
  ],
  ['blocks not JSON', 'chat.postMessage', { channel: '$general', blocks: '[{' }, 'invalid_blocks'],
  [
    'blocks not an array',
    'chat.postMessage',
    { channel: '$general', blocks: '{"type":"divider"}' },
    'invalid_blocks',
  ],
  [
    'text too long',
    'chat.postMessage',
    { channel: '$general', text: 'é'.repeat(40001) },
    'msg_too_long',
  ],
  ['profile not an object', 'users.profile.set', { profile: '"just a string"' }, 'invalid_profile'],
  [
    'channel name with spaces',
    'conversations.create',
    { name: 'two words' },
    'invalid_name_specials',
  ],
  ['empty channel name', 'conversations.create', { name: '' }, 'invalid_name_required'],
  ['users not ids', 'conversations.open', { users: 'nobody,,@@' }, 'user_not_found'],
];

for (const [what, method, args, expected] of apiCases) {
  test(`bad arguments: ${what}`, async () => {
    const filled = Object.fromEntries(
      Object.entries(args).map(([k, v]) => [k, v === '$general' ? general : v]),
    );
    const answer = await server.api(method, owner.token, filled);
    assert.equal(answer.__status, 200);
    assert.equal(answer.ok, false);
    if (expected instanceof RegExp) assert.match(answer.error, expected);
    else assert.equal(answer.error, expected);
  });
}

test('invalid UTF-8 in a form body is invalid_charset', async () => {
  const body = Buffer.concat([Buffer.from(`channel=${general}&text=`), Buffer.from([0xc3, 0x28])]);
  const answer = await server.raw('/api/chat.postMessage', {
    headers: { 'content-type': form, ...auth() },
    body,
  });
  assert.equal(JSON.parse(answer.text).error, 'invalid_charset');
  const encoded = await server.raw('/api/chat.postMessage', {
    headers: { 'content-type': form, ...auth() },
    body: `channel=${general}&text=%ff%fe`,
  });
  assert.equal(JSON.parse(encoded.text).error, 'invalid_charset');
});

test('bad JSON bodies', async () => {
  const headers = { 'content-type': 'application/json', ...auth() };
  const cases = [
    ['{"channel":', 'invalid_json'],
    ['[1,2,3]', 'json_not_object'],
    ['"text"', 'json_not_object'],
    [`{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`, 'invalid_json'],
    ['{"text":"\\ud800"}', 'invalid_json'],
  ];
  for (const [body, error] of cases) {
    const answer = await server.raw('/api/chat.postMessage', { headers, body });
    assert.equal(answer.status, 200);
    assert.equal(JSON.parse(answer.text).error, error, body.slice(0, 30));
  }
});

test('a JSON body works like a form body', async () => {
  const answer = await server.raw('/api/chat.postMessage', {
    headers: { 'content-type': 'application/json; charset=utf-8', ...auth() },
    body: JSON.stringify({
      channel: general,
      text: 'hello from JSON',
      blocks: [{ type: 'divider' }],
    }),
  });
  const json = JSON.parse(answer.text);
  assert.equal(json.ok, true);
  assert.deepEqual(json.message.blocks, [{ type: 'divider' }]);
});

test('too many or too large arguments', async () => {
  const many = Array.from({ length: 200 }, (_, i) => `a${i}=1`).join('&');
  const answer = await server.raw('/api/api.test', {
    headers: { 'content-type': form },
    body: many,
  });
  assert.equal(JSON.parse(answer.text).error, 'invalid_form_data');
  const longName = await server.raw('/api/api.test', {
    headers: { 'content-type': form },
    body: `${'n'.repeat(500)}=1`,
  });
  assert.equal(JSON.parse(longName.text).error, 'invalid_form_data');
});

test('a body over the limit gets 413', async () => {
  // Announced, not sent: the server answers from the headers alone. (Sending 2 MiB with
  // fetch races the server's close and fails on the client's side now and then.)
  const announced = await rawExchange(
    'POST /api/chat.postMessage HTTP/1.1\r\nHost: x\r\n' +
      'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2097152\r\n\r\n',
  );
  assert.match(announced, /^HTTP\/1\.1 413/);
});

test('huge headers get 431, malformed HTTP gets 400', async () => {
  const bigHeader = `GET /api/api.test HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`;
  assert.match(await rawExchange(bigHeader), /^HTTP\/1\.1 431/);
  assert.match(await rawExchange('HELLO THERE\r\n\r\n'), /^HTTP\/1\.1 400/);
  assert.match(
    await rawExchange('GET / HTTP/1.1\r\nContent-Length: banana\r\n\r\n'),
    /^HTTP\/1\.1 400/,
  );
  assert.match(
    await rawExchange(Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 13, 10, 13, 10])),
    /^(HTTP\/1\.1 400 |$)/,
  );
});

test('other HTTP methods and paths', async () => {
  assert.equal((await server.raw('/api/api.test', { method: 'PUT', body: 'x' })).status, 405);
  // Extensionless paths are the web client's routes (web_serving.test.mjs); files are not.
  assert.equal((await server.raw('/nowhere.js', { method: 'GET' })).status, 404);
  assert.equal((await server.raw('/nowhere', { method: 'POST', body: 'x' })).status, 404);
  assert.equal((await server.raw('/healthz', { method: 'GET' })).status, 200);
  const metrics = await server.raw('/metrics', { method: 'GET' });
  assert.match(
    metrics.text,
    /parley_api_requests_total\{method="chat.postMessage",status="no_text"\} \d+/,
  );
  assert.match(metrics.text, /parley_api_request_seconds_bucket/);
});

test('the server still serves after all of the above', async () => {
  const answer = await server.api('auth.test', owner.token);
  assert.equal(answer.ok, true);
  const posted = await server.api('chat.postMessage', owner.token, {
    channel: general,
    text: 'still here',
  });
  assert.equal(posted.ok, true);
});
