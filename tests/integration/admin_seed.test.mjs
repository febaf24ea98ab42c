// `parley admin seed`, run on a data directory before the server starts (as it must be):
// the seeded users can sign in with the shared password and post with their tokens, they
// are members of the seeded channels, and the channels' events are in the log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ParleyServer } from '../lib/server.mjs';

const PASSWORD = 'seeded passphrase';
let server, owner, seeded;

before(async () => {
  server = new ParleyServer();
  owner = server.admin(
    'create-workspace',
    '--name',
    'Seeded',
    '--email',
    'owner@seeded.test',
    '--password',
    'owner passphrase',
  );
  seeded = server.admin(
    'seed',
    '--team',
    owner.team_id,
    '--users',
    '5',
    '--password',
    PASSWORD,
    '--prefix',
    'load',
    '--channels',
    '2',
    '--members-per-channel',
    '3',
  );
  await server.start();
});

after(async () => {
  await server.stop();
  server.cleanup();
});

test('seed prints every user with a token, and the channels', () => {
  assert.equal(seeded.ok, true);
  assert.deepEqual(
    seeded.users.map((user) => [user.name, user.email]),
    [1, 2, 3, 4, 5].map((i) => [`load-${i}`, `load-${i}@seed.test`]),
  );
  for (const user of seeded.users) {
    assert.match(user.id, /^U/);
    assert.match(user.token, /^xoxp-/);
  }
  assert.deepEqual(
    seeded.channels.map((channel) => channel.name),
    ['load-1', 'load-2'],
  );
});

test('seeded users sign in with the shared password', async () => {
  for (const user of [seeded.users[0], seeded.users[4]]) {
    const signedIn = await server.api('auth.signin', null, {
      email: user.email,
      password: PASSWORD,
      team: owner.team_id,
    });
    assert.equal(signedIn.ok, true, JSON.stringify(signedIn));
    assert.equal(signedIn.user_id, user.id);
    assert.equal((await server.api('auth.test', user.token)).user_id, user.id);
  }
});

test('the channels hold the owner and the first K seeded users, who can post', async () => {
  for (const channel of seeded.channels) {
    const members = await server.api('conversations.members', owner.token, {
      channel: channel.id,
    });
    assert.equal(members.ok, true, JSON.stringify(members));
    assert.deepEqual(
      [...members.members].sort(),
      [owner.user_id, ...seeded.users.slice(0, 3).map((user) => user.id)].sort(),
    );
  }

  const posted = await server.api('chat.postMessage', seeded.users[2].token, {
    channel: seeded.channels[0].id,
    text: 'hello from a seeded user',
  });
  assert.equal(posted.ok, true, JSON.stringify(posted));

  const outsider = await server.api('chat.postMessage', seeded.users[3].token, {
    channel: seeded.channels[0].id,
    text: 'not a member',
  });
  assert.equal(outsider.ok, false);
});

test('a second seed with the same prefix is refused', () => {
  assert.throws(() =>
    server.admin(
      'seed',
      '--team',
      owner.team_id,
      '--users',
      '1',
      '--password',
      PASSWORD,
      '--prefix',
      'load',
    ),
  );
});
