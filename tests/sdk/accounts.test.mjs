// Slack SDK compatibility: who is calling and how people get in. api.test, auth.*, team.info,
// users.* and Parley's own auth.signin, auth.signout, invites.create and invites.accept, all
// through the official @slack/web-api WebClient exactly as a Slack app would use it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebClient, LogLevel, ErrorCode } from '@slack/web-api';
import { startWithTeam } from '../lib/server.mjs';
import { sdkClient, failsWith } from '../lib/sdk.mjs';

let server;
let owner;
let members;
let guests;

// A WebClient pointed at the test server; `token` may be undefined (no credentials at all).
function client(token) {
  return sdkClient(server, token);
}

before(async () => {
  ({ server, owner, members, guests } = await startWithTeam({ members: 4, guests: 1 }));
});

after(async () => {
  await server.stop();
  server.cleanup();
});

test('api.test echoes its arguments, needs no token, and fails on request', async () => {
  const echoed = await client().api.test({ foo: 'bar' });
  assert.equal(echoed.ok, true);
  assert.deepEqual(echoed.args, { foo: 'bar' });

  await failsWith('my_error', client(owner.token).api.test({ error: 'my_error' }));
});

test('auth.test names the caller and the workspace', async () => {
  const me = await client(owner.token).auth.test();
  assert.equal(me.ok, true);
  assert.equal(me.user_id, owner.user_id);
  assert.equal(me.team_id, owner.team_id);
  assert.equal(me.user, owner.name);
  assert.equal(me.team, 'Acme');
  assert.equal(typeof me.url, 'string');
  assert.match(me.url, /^https?:\/\/.+\/$/);

  const member = await client(members[0].token).auth.test();
  assert.equal(member.user_id, members[0].user_id);
  assert.equal(member.team_id, owner.team_id);
});

test('team.info describes the workspace', async () => {
  const { team } = await client(members[1].token).team.info();
  assert.equal(team.id, owner.team_id);
  assert.equal(team.name, 'Acme');
  assert.equal(typeof team.domain, 'string');
  assert.ok(team.domain.length > 0);
  assert.equal(typeof team.icon, 'object');
});

test('users.list returns every member with Slack user objects', async () => {
  const listed = await client(members[0].token).users.list({});
  assert.equal(listed.ok, true);
  assert.equal(typeof listed.cache_ts, 'number');
  const ids = listed.members.map((u) => u.id);
  for (const person of [owner, ...members, ...guests])
    assert.ok(ids.includes(person.user_id), person.user_id);

  const ownerEntry = listed.members.find((u) => u.id === owner.user_id);
  assert.equal(ownerEntry.team_id, owner.team_id);
  assert.equal(ownerEntry.name, owner.name);
  assert.equal(ownerEntry.deleted, false);
  assert.equal(ownerEntry.is_owner, true);
  assert.equal(ownerEntry.is_admin, true);
  assert.equal(ownerEntry.is_bot, false);
  assert.equal(typeof ownerEntry.profile, 'object');
  assert.equal(ownerEntry.profile.email, 'owner@acme.test');
});

test('users.list paginates with a small limit: every user exactly once', async () => {
  const seen = [];
  let pages = 0;
  for await (const page of client(owner.token).paginate('users.list', { limit: 2 })) {
    pages += 1;
    assert.ok(page.members.length <= 2, `page of ${page.members.length}`);
    seen.push(...page.members.map((u) => u.id));
  }
  const expected = [owner, ...members, ...guests].map((p) => p.user_id).sort();
  assert.deepEqual([...seen].sort(), expected);
  assert.equal(new Set(seen).size, seen.length, 'a user appeared twice');
  assert.ok(pages >= 3, `only ${pages} pages for ${expected.length} users at limit 2`);
});

test('users.info returns one user; guests are restricted', async () => {
  const { user } = await client(owner.token).users.info({ user: members[0].user_id });
  assert.equal(user.id, members[0].user_id);
  assert.equal(user.team_id, owner.team_id);
  assert.equal(user.name, 'member0');
  assert.equal(user.deleted, false);
  assert.equal(user.is_admin, false);
  assert.equal(user.is_owner, false);
  assert.equal(user.is_restricted, false);
  assert.equal(user.profile.email, 'member0@acme.test');
  assert.equal(typeof user.tz_offset, 'number');

  const guest = await client(owner.token).users.info({ user: guests[0].user_id });
  assert.equal(guest.user.is_restricted, true);

  await failsWith('user_not_found', client(owner.token).users.info({ user: 'U0000000000' }));
});

test('users.lookupByEmail finds a user by email, users_not_found otherwise', async () => {
  const { user } = await client(members[2].token).users.lookupByEmail({
    email: 'member1@acme.test',
  });
  assert.equal(user.id, members[1].user_id);
  assert.equal(user.name, 'member1');

  await failsWith(
    'users_not_found',
    client(members[2].token).users.lookupByEmail({ email: 'nobody@acme.test' }),
  );
});

test("users.profile.set changes the caller's profile and users.profile.get reads it back", async () => {
  const me = client(members[3].token);
  const before = await me.users.profile.get();
  assert.equal(before.profile.email, 'member3@acme.test');
  for (const field of ['real_name', 'display_name', 'status_text', 'status_emoji']) {
    assert.equal(typeof before.profile[field], 'string', field);
  }

  const set = await me.users.profile.set({
    profile: {
      title: 'Release wrangler',
      status_text: 'On call',
      status_emoji: ':pager:',
      display_name: 'm3',
    },
  });
  assert.equal(set.profile.title, 'Release wrangler');
  assert.equal(set.profile.status_text, 'On call');
  assert.equal(set.profile.status_emoji, ':pager:');
  assert.equal(set.profile.display_name, 'm3');

  // The single name/value form.
  const single = await me.users.profile.set({ name: 'title', value: 'Chief wrangler' });
  assert.equal(single.profile.title, 'Chief wrangler');

  // Read back by someone else, with `user`.
  const seen = await client(owner.token).users.profile.get({ user: members[3].user_id });
  assert.equal(seen.profile.title, 'Chief wrangler');
  assert.equal(seen.profile.status_text, 'On call');
  assert.equal(seen.profile.display_name, 'm3');
});

test("users.profile.set on someone else's profile needs an admin (not_admin)", async () => {
  await failsWith(
    'not_admin',
    client(members[0].token).users.profile.set({
      user: members[1].user_id,
      profile: { title: 'x' },
    }),
  );
});

test('users.profile.set rejects a profile that is not a JSON object (invalid_profile)', async () => {
  await failsWith(
    'invalid_profile',
    client(members[0].token).users.profile.set({ profile: 'not json' }),
  );
});

test("users.conversations lists the caller's channels", async () => {
  const member = client(members[0].token);
  const made = await client(owner.token).conversations.create({
    name: 'users-conv-private',
    is_private: true,
  });
  await client(owner.token).conversations.invite({
    channel: made.channel.id,
    users: members[0].user_id,
  });

  const publicOnly = await member.users.conversations({});
  assert.ok(
    publicOnly.channels.some((c) => c.name === 'general'),
    'general missing',
  );
  assert.ok(
    !publicOnly.channels.some((c) => c.id === made.channel.id),
    'private channel without types',
  );
  assert.equal(typeof publicOnly.response_metadata, 'object');

  const both = await member.users.conversations({ types: 'public_channel,private_channel' });
  const priv = both.channels.find((c) => c.id === made.channel.id);
  assert.ok(priv, 'private channel missing');
  assert.equal(priv.is_private, true);

  // Another user's list, as the caller may see it.
  const others = await client(owner.token).users.conversations({
    user: members[0].user_id,
    types: 'private_channel',
  });
  assert.ok(others.channels.some((c) => c.id === made.channel.id));
});

test('auth.signin trades email and password for a token a new WebClient can use', async () => {
  const signedIn = await client().apiCall('auth.signin', {
    email: 'member1@acme.test',
    password: 'another long passphrase',
  });
  assert.equal(signedIn.ok, true);
  assert.equal(typeof signedIn.token, 'string');
  assert.equal(signedIn.user_id, members[1].user_id);
  assert.equal(signedIn.team_id, owner.team_id);

  const me = await client(signedIn.token).auth.test();
  assert.equal(me.user_id, members[1].user_id);

  await failsWith(
    'invalid_credentials',
    client().apiCall('auth.signin', {
      email: 'member1@acme.test',
      password: 'wrong password entirely',
    }),
  );
});

test('auth.signout revokes the calling token: it then fails with token_revoked', async () => {
  const signedIn = await client().apiCall('auth.signin', {
    email: 'member2@acme.test',
    password: 'another long passphrase',
  });
  const session = client(signedIn.token);
  await session.auth.test();

  const out = await session.apiCall('auth.signout');
  assert.equal(out.ok, true);
  await failsWith('token_revoked', session.auth.test());

  // Other tokens of the same person are untouched.
  const other = await client(members[2].token).auth.test();
  assert.equal(other.user_id, members[2].user_id);
});

test('invites.create returns a code and url; invites.accept turns it into an account', async () => {
  const created = await client(owner.token).apiCall('invites.create', {
    email: 'newcomer@acme.test',
  });
  assert.equal(typeof created.invite.code, 'string');
  assert.ok(created.invite.code.length >= 16, 'invite code looks guessable');
  assert.equal(typeof created.invite.url, 'string');
  assert.ok(created.invite.url.includes(created.invite.code), created.invite.url);

  const joined = await client().apiCall('invites.accept', {
    code: created.invite.code,
    email: 'newcomer@acme.test',
    name: 'newcomer',
    password: 'a fresh long passphrase',
  });
  assert.equal(typeof joined.token, 'string');
  assert.equal(joined.team_id, owner.team_id);

  const me = await client(joined.token).auth.test();
  assert.equal(me.team_id, owner.team_id);
  assert.equal(me.user, 'newcomer');
  const found = await client(owner.token).users.lookupByEmail({ email: 'newcomer@acme.test' });
  assert.equal(found.user.id, me.user_id);

  // A single-use code cannot be used twice.
  await failsWith(
    'invalid_invite',
    client().apiCall('invites.accept', {
      code: created.invite.code,
      email: 'newcomer@acme.test',
      name: 'newcomer2',
      password: 'a fresh long passphrase',
    }),
  );
});

test('invites: members may not invite guests; a code for one email is refused for another', async () => {
  await failsWith(
    'restricted_action',
    client(members[0].token).apiCall('invites.create', {
      email: 'someone@acme.test',
      role: 'guest',
    }),
  );

  const created = await client(owner.token).apiCall('invites.create', {
    email: 'invited@acme.test',
  });
  await failsWith(
    'invalid_invite',
    client().apiCall('invites.accept', {
      code: created.invite.code,
      email: 'intruder@acme.test',
      name: 'intruder',
      password: 'a fresh long passphrase',
    }),
  );
  await failsWith(
    'invalid_invite',
    client().apiCall('invites.accept', {
      code: 'not-a-real-code',
      email: 'invited@acme.test',
      name: 'invited',
      password: 'a fresh long passphrase',
    }),
  );
});

test("a token given per call overrides the client's, as the SDK allows", async () => {
  const anonymous = client();
  const me = await anonymous.auth.test({ token: members[0].token });
  assert.equal(me.user_id, members[0].user_id);
  const other = await client(owner.token).auth.test({ token: members[1].token });
  assert.equal(other.user_id, members[1].user_id);
});

test("the SDK's teamId option (sent as team_id on every call) is harmless", async () => {
  const withTeam = new WebClient(owner.token, {
    slackApiUrl: server.url + '/api/',
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
    teamId: owner.team_id,
  });
  const me = await withTeam.auth.test();
  assert.equal(me.team_id, owner.team_id);
  const listed = await withTeam.conversations.list();
  assert.ok(listed.channels.length > 0);
});

test('an unknown method is unknown_method', async () => {
  await failsWith('unknown_method', client(owner.token).apiCall('nonexistent.method'));
});

test('a bad token is invalid_auth, for every method', async () => {
  const bogus = client('xoxp-not-a-real-token');
  await failsWith('invalid_auth', bogus.auth.test());
  await failsWith('invalid_auth', bogus.conversations.list());
  await failsWith('invalid_auth', bogus.chat.postMessage({ channel: 'C0000000000', text: 'hi' }));
});

test('no token at all is not_authed', async () => {
  const anonymous = client();
  await failsWith('not_authed', anonymous.auth.test());
  await failsWith('not_authed', anonymous.users.list({}));
  await failsWith('not_authed', anonymous.conversations.history({ channel: 'C0000000000' }));
});

test("a deactivated user's token is account_inactive", async () => {
  const doomed = server.admin(
    'create-user',
    '--team',
    owner.team_id,
    '--email',
    'leaver@acme.test',
    '--name',
    'leaver',
    '--password',
    'another long passphrase',
  );
  await client(doomed.token).auth.test();

  server.admin('deactivate-user', '--user', doomed.user_id);
  await failsWith('account_inactive', client(doomed.token).auth.test());

  const { user } = await client(owner.token).users.info({ user: doomed.user_id });
  assert.equal(user.deleted, true);
});
