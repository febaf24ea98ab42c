// conversations.* and users.conversations against a real server: every method, its error
// paths and who may see and do what (members, guests, admins, another workspace).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWithTeam } from '../lib/server.mjs';

const PASSWORD = 'another long passphrase';

let server;
let owner; // Workspace owner (admin rights).
let alice; // Plain members.
let bob;
let carol;
let dave;
let guest;
let admin; // Role admin.
let outsider; // Owner of a second workspace on the same server.
let outsiderGeneral;
let general; // The workspace's general channel id.
let seq = 0;

// A channel name nobody has used yet in this run.
function fresh(prefix = 'ch') {
  seq += 1;
  return `${prefix}-${seq}`;
}

function expectOk(response, what = '') {
  assert.equal(response.ok, true, `${what} failed: ${JSON.stringify(response)}`);
  return response;
}

function expectError(response, error, what = '') {
  assert.equal(
    response.ok,
    false,
    `${what} should fail with ${error}: ${JSON.stringify(response)}`,
  );
  assert.equal(response.error, error, what);
}

async function call(who, method, args = {}) {
  return server.api(method, who.token, args);
}

async function createChannel(who, args = {}) {
  const response = expectOk(
    await call(who, 'conversations.create', { name: fresh(), ...args }),
    'conversations.create',
  );
  return response.channel;
}

async function memberIds(who, channel) {
  const response = expectOk(await call(who, 'conversations.members', { channel, limit: 1000 }));
  return response.members;
}

// Every page of a cursor-paginated method, following next_cursor to the end.
async function allPages(who, method, args, field) {
  const items = [];
  let cursor;
  for (let page = 0; page < 1000; page++) {
    const response = expectOk(await call(who, method, { ...args, cursor }), method);
    assert.ok(Array.isArray(response[field]), `${method} returns ${field}`);
    assert.equal(typeof response.response_metadata?.next_cursor, 'string');
    items.push(...response[field]);
    cursor = response.response_metadata.next_cursor;
    if (cursor === '') return { items, pages: page + 1 };
  }
  throw new Error('pagination did not end');
}

async function listIds(who, args = {}) {
  const { items } = await allPages(who, 'conversations.list', { limit: 1000, ...args }, 'channels');
  return items.map((c) => c.id);
}

before(async () => {
  const team = await startWithTeam({ members: 4, guests: 1 });
  server = team.server;
  owner = team.owner;
  [alice, bob, carol, dave] = team.members;
  [guest] = team.guests;
  admin = server.admin(
    'create-user',
    '--team',
    owner.team_id,
    '--email',
    'admin@acme.test',
    '--name',
    'admin',
    '--password',
    PASSWORD,
    '--role',
    'admin',
  );
  outsider = server.admin(
    'create-workspace',
    '--name',
    'Other',
    '--email',
    'boss@other.test',
    '--password',
    PASSWORD,
  );

  const channels = expectOk(await call(owner, 'conversations.list')).channels;
  general = channels.find((c) => c.is_general).id;
  const theirs = expectOk(await call(outsider, 'conversations.list')).channels;
  outsiderGeneral = theirs.find((c) => c.is_general).id;
});

after(async () => {
  await server?.stop();
  server?.cleanup();
});

describe('conversations.create', () => {
  test('makes a public channel whose creator is its only member', async () => {
    const name = fresh('public');
    const { channel } = expectOk(await call(alice, 'conversations.create', { name }));
    assert.match(channel.id, /^C[0-9A-Z]+$/);
    assert.equal(channel.name, name);
    assert.equal(channel.name_normalized, name);
    assert.equal(channel.is_channel, true);
    assert.equal(channel.is_private, false);
    assert.equal(channel.is_im, false);
    assert.equal(channel.is_mpim, false);
    assert.equal(channel.is_archived, false);
    assert.equal(channel.is_general, false);
    assert.equal(channel.is_member, true);
    assert.equal(channel.creator, alice.user_id);
    assert.equal(typeof channel.created, 'number');
    assert.deepEqual(channel.topic, { value: '', creator: '', last_set: 0 });
    assert.deepEqual(channel.purpose, { value: '', creator: '', last_set: 0 });
    assert.deepEqual(await memberIds(alice, channel.id), [alice.user_id]);
  });

  test('is_private makes a private G channel', async () => {
    const channel = await createChannel(alice, { is_private: true });
    assert.match(channel.id, /^G[0-9A-Z]+$/);
    assert.equal(channel.is_private, true);
    assert.equal(channel.is_channel, true);
    assert.equal(channel.is_member, true);
  });

  test('enforces Slack name rules', async () => {
    expectError(await call(alice, 'conversations.create', {}), 'invalid_name_required', 'no name');
    expectError(await call(alice, 'conversations.create', { name: '' }), 'invalid_name_required');
    expectError(
      await call(alice, 'conversations.create', { name: 'x'.repeat(81) }),
      'invalid_name_maxlength',
    );
    expectError(
      await call(alice, 'conversations.create', { name: 'Upper' }),
      'invalid_name_specials',
    );
    expectError(
      await call(alice, 'conversations.create', { name: 'two words' }),
      'invalid_name_specials',
    );
    expectError(
      await call(alice, 'conversations.create', { name: 'caf\u00e9' }),
      'invalid_name_specials',
    );
    expectError(
      await call(alice, 'conversations.create', { name: '#hash' }),
      'invalid_name_specials',
    );
    expectError(
      await call(alice, 'conversations.create', { name: '--' }),
      'invalid_name_punctuation',
    );
    const longest = `l${seq}-`.padEnd(80, 'z');
    expectOk(await call(alice, 'conversations.create', { name: longest }), '80 characters');
  });

  test('a taken name is name_taken, across public and private channels', async () => {
    const name = fresh('taken');
    expectOk(await call(alice, 'conversations.create', { name, is_private: true }));
    expectError(await call(bob, 'conversations.create', { name }), 'name_taken');
    expectError(await call(bob, 'conversations.create', { name, is_private: true }), 'name_taken');
    expectError(await call(bob, 'conversations.create', { name: 'general' }), 'name_taken');
  });

  test('the same name is free in another workspace', async () => {
    const name = fresh('both');
    expectOk(await call(alice, 'conversations.create', { name }));
    expectOk(await call(outsider, 'conversations.create', { name }));
  });

  test('guests may not create channels', async () => {
    expectError(await call(guest, 'conversations.create', { name: fresh() }), 'restricted_action');
    expectError(
      await call(guest, 'conversations.create', { name: fresh(), is_private: true }),
      'restricted_action',
    );
  });
});

describe('conversations.info', () => {
  test('returns the channel, with num_members only when asked', async () => {
    const channel = await createChannel(alice);
    const plain = expectOk(await call(bob, 'conversations.info', { channel: channel.id })).channel;
    assert.equal(plain.id, channel.id);
    assert.equal(plain.is_member, false);
    assert.equal(plain.last_read, undefined, 'no last_read for a non-member');
    assert.equal(plain.num_members, undefined);
    const counted = expectOk(
      await call(bob, 'conversations.info', { channel: channel.id, include_num_members: true }),
    ).channel;
    assert.equal(counted.num_members, 1);
    const mine = expectOk(await call(alice, 'conversations.info', { channel: channel.id })).channel;
    assert.equal(mine.is_member, true);
    assert.equal(mine.last_read, '0000000000.000000');
  });

  test('general is marked is_general', async () => {
    const { channel } = expectOk(await call(alice, 'conversations.info', { channel: general }));
    assert.equal(channel.is_general, true);
    assert.equal(channel.name, 'general');
  });

  test('missing, unknown or malformed channel is channel_not_found', async () => {
    expectError(await call(alice, 'conversations.info', {}), 'channel_not_found');
    expectError(await call(alice, 'conversations.info', { channel: '' }), 'channel_not_found');
    expectError(
      await call(alice, 'conversations.info', { channel: 'C0000000000' }),
      'channel_not_found',
    );
    expectError(
      await call(alice, 'conversations.info', { channel: "' OR 1=1 --" }),
      'channel_not_found',
    );
    expectError(
      await call(alice, 'conversations.info', { channel: 'x'.repeat(5000) }),
      'channel_not_found',
    );
  });
});

describe('private channels are invisible to non-members', () => {
  test('info, members, join, invite, leave and the rest say channel_not_found', async () => {
    const secret = await createChannel(alice, { is_private: true });
    const channel = secret.id;
    expectError(await call(bob, 'conversations.info', { channel }), 'channel_not_found');
    expectError(await call(bob, 'conversations.members', { channel }), 'channel_not_found');
    expectError(await call(bob, 'conversations.join', { channel }), 'channel_not_found');
    expectError(
      await call(bob, 'conversations.invite', { channel, users: carol.user_id }),
      'channel_not_found',
    );
    expectError(await call(bob, 'conversations.leave', { channel }), 'channel_not_found');
    expectError(
      await call(bob, 'conversations.kick', { channel, user: alice.user_id }),
      'channel_not_found',
    );
    expectError(
      await call(bob, 'conversations.setTopic', { channel, topic: 'x' }),
      'channel_not_found',
    );
    expectError(
      await call(bob, 'conversations.setPurpose', { channel, purpose: 'x' }),
      'channel_not_found',
    );
    expectError(
      await call(bob, 'conversations.rename', { channel, name: fresh() }),
      'channel_not_found',
    );
    expectError(await call(bob, 'conversations.archive', { channel }), 'channel_not_found');
    expectError(await call(bob, 'conversations.unarchive', { channel }), 'channel_not_found');
    expectError(await call(bob, 'conversations.close', { channel }), 'channel_not_found');
    // Not even admins see private channels they are not in.
    expectError(await call(owner, 'conversations.info', { channel }), 'channel_not_found');
    expectError(await call(admin, 'conversations.members', { channel }), 'channel_not_found');

    const listed = await listIds(bob, { types: 'public_channel,private_channel' });
    assert.ok(!listed.includes(channel), 'not listed for a non-member');
    assert.ok((await listIds(alice, { types: 'private_channel' })).includes(channel));
  });

  test('once invited the member sees it; a member joining it is told the type is wrong', async () => {
    const secret = await createChannel(alice, { is_private: true });
    expectOk(await call(alice, 'conversations.invite', { channel: secret.id, users: bob.user_id }));
    const { channel } = expectOk(await call(bob, 'conversations.info', { channel: secret.id }));
    assert.equal(channel.is_member, true);
    expectError(
      await call(bob, 'conversations.join', { channel: secret.id }),
      'method_not_supported_for_channel_type',
    );
  });
});

describe('conversations.join', () => {
  test('joins a public channel, then reports already_in_channel', async () => {
    const channel = await createChannel(alice);
    const joined = expectOk(await call(bob, 'conversations.join', { channel: channel.id }));
    assert.equal(joined.channel.id, channel.id);
    assert.equal(joined.channel.is_member, true);
    assert.equal(joined.already_in_channel, undefined);
    const again = expectOk(await call(bob, 'conversations.join', { channel: channel.id }));
    assert.equal(again.already_in_channel, true);
    assert.deepEqual(
      (await memberIds(alice, channel.id)).sort(),
      [alice.user_id, bob.user_id].sort(),
    );
  });

  test('archived channels cannot be joined', async () => {
    const channel = await createChannel(alice);
    expectOk(await call(alice, 'conversations.archive', { channel: channel.id }));
    expectError(await call(bob, 'conversations.join', { channel: channel.id }), 'is_archived');
  });

  test('ims and unknown channels', async () => {
    const im = expectOk(await call(alice, 'conversations.open', { users: bob.user_id })).channel;
    expectError(
      await call(alice, 'conversations.join', { channel: im.id }),
      'method_not_supported_for_channel_type',
    );
    expectError(await call(carol, 'conversations.join', { channel: im.id }), 'channel_not_found');
    expectError(await call(alice, 'conversations.join', {}), 'channel_not_found');
  });
});

describe('conversations.leave', () => {
  test('leaves, then reports not_in_channel', async () => {
    const channel = await createChannel(alice);
    expectOk(await call(bob, 'conversations.join', { channel: channel.id }));
    const left = expectOk(await call(bob, 'conversations.leave', { channel: channel.id }));
    assert.equal(left.not_in_channel, undefined);
    assert.deepEqual(await memberIds(alice, channel.id), [alice.user_id]);
    const again = expectOk(await call(bob, 'conversations.leave', { channel: channel.id }));
    assert.equal(again.not_in_channel, true);
  });

  test('general cannot be left', async () => {
    expectError(
      await call(alice, 'conversations.leave', { channel: general }),
      'cant_leave_general',
    );
  });

  test('ims and mpims cannot be left', async () => {
    const im = expectOk(await call(alice, 'conversations.open', { users: bob.user_id })).channel;
    expectError(
      await call(alice, 'conversations.leave', { channel: im.id }),
      'method_not_supported_for_channel_type',
    );
    const mpim = expectOk(
      await call(alice, 'conversations.open', { users: `${bob.user_id},${carol.user_id}` }),
    ).channel;
    expectError(
      await call(alice, 'conversations.leave', { channel: mpim.id }),
      'method_not_supported_for_channel_type',
    );
  });

  test('the last member of a private channel cannot leave it', async () => {
    const secret = await createChannel(alice, { is_private: true });
    expectError(await call(alice, 'conversations.leave', { channel: secret.id }), 'last_member');
    expectOk(await call(alice, 'conversations.invite', { channel: secret.id, users: bob.user_id }));
    expectOk(await call(alice, 'conversations.leave', { channel: secret.id }));
    expectError(
      await call(alice, 'conversations.info', { channel: secret.id }),
      'channel_not_found',
    );
  });

  test('archived channels cannot be left', async () => {
    const channel = await createChannel(alice);
    expectOk(await call(bob, 'conversations.join', { channel: channel.id }));
    expectOk(await call(alice, 'conversations.archive', { channel: channel.id }));
    expectError(await call(bob, 'conversations.leave', { channel: channel.id }), 'is_archived');
  });

  test('missing channel', async () => {
    expectError(await call(alice, 'conversations.leave', {}), 'channel_not_found');
  });
});

describe('conversations.invite', () => {
  test('adds several users at once', async () => {
    const channel = await createChannel(alice);
    const { channel: after } = expectOk(
      await call(alice, 'conversations.invite', {
        channel: channel.id,
        users: `${bob.user_id}, ${carol.user_id}`,
      }),
    );
    assert.equal(after.id, channel.id);
    assert.deepEqual(
      (await memberIds(alice, channel.id)).sort(),
      [alice.user_id, bob.user_id, carol.user_id].sort(),
    );
  });

  test('error paths', async () => {
    const channel = (await createChannel(alice)).id;
    expectOk(await call(alice, 'conversations.invite', { channel, users: bob.user_id }));
    expectError(
      await call(alice, 'conversations.invite', { channel }),
      'user_not_found',
      'no users',
    );
    expectError(
      await call(alice, 'conversations.invite', { channel, users: 'garbage!' }),
      'user_not_found',
      'malformed users',
    );
    expectError(
      await call(alice, 'conversations.invite', { channel, users: 'U0000000000' }),
      'user_not_found',
      'unknown user',
    );
    expectError(
      await call(alice, 'conversations.invite', { channel, users: outsider.user_id }),
      'user_not_found',
      'user of another workspace',
    );
    expectError(
      await call(alice, 'conversations.invite', { channel, users: bob.user_id }),
      'already_in_channel',
    );
    expectError(
      await call(alice, 'conversations.invite', { channel, users: alice.user_id }),
      'cant_invite_self',
    );
    expectError(
      await call(carol, 'conversations.invite', { channel, users: dave.user_id }),
      'not_in_channel',
      'inviter must be a member',
    );
    expectError(
      await call(alice, 'conversations.invite', { users: carol.user_id }),
      'channel_not_found',
      'no channel',
    );
  });

  test('all or nothing: one bad user adds nobody', async () => {
    const channel = (await createChannel(alice)).id;
    expectError(
      await call(alice, 'conversations.invite', { channel, users: `${carol.user_id},U0000000000` }),
      'user_not_found',
    );
    assert.deepEqual(await memberIds(alice, channel), [alice.user_id]);
  });

  test('deactivated users cannot be invited', async () => {
    const leaving = server.admin(
      'create-user',
      '--team',
      owner.team_id,
      '--email',
      'leaving@acme.test',
      '--name',
      'leaving',
      '--password',
      PASSWORD,
    );
    server.admin('deactivate-user', '--user', leaving.user_id);
    const channel = (await createChannel(alice)).id;
    expectError(
      await call(alice, 'conversations.invite', { channel, users: leaving.user_id }),
      'user_not_found',
    );
  });

  test('archived channels take no invitations', async () => {
    const channel = (await createChannel(alice)).id;
    expectOk(await call(alice, 'conversations.archive', { channel }));
    expectError(
      await call(alice, 'conversations.invite', { channel, users: bob.user_id }),
      'is_archived',
    );
  });

  test('ims take no invitations', async () => {
    const im = expectOk(await call(alice, 'conversations.open', { users: bob.user_id })).channel;
    expectError(
      await call(alice, 'conversations.invite', { channel: im.id, users: carol.user_id }),
      'method_not_supported_for_channel_type',
    );
  });
});

describe('conversations.kick', () => {
  test('the creator removes a member of a public channel', async () => {
    const channel = (await createChannel(alice)).id;
    expectOk(await call(alice, 'conversations.invite', { channel, users: bob.user_id }));
    expectOk(await call(alice, 'conversations.kick', { channel, user: bob.user_id }));
    assert.deepEqual(await memberIds(alice, channel), [alice.user_id]);
  });

  test('in public channels only admins, owners and the creator may kick', async () => {
    const channel = (await createChannel(alice)).id;
    expectOk(
      await call(alice, 'conversations.invite', {
        channel,
        users: `${bob.user_id},${carol.user_id},${owner.user_id},${admin.user_id}`,
      }),
    );
    expectError(
      await call(bob, 'conversations.kick', { channel, user: carol.user_id }),
      'restricted_action',
    );
    expectOk(await call(admin, 'conversations.kick', { channel, user: carol.user_id }));
    expectOk(await call(owner, 'conversations.kick', { channel, user: bob.user_id }));
  });

  test('in private channels any member may kick', async () => {
    const channel = (await createChannel(alice, { is_private: true })).id;
    expectOk(
      await call(alice, 'conversations.invite', {
        channel,
        users: `${bob.user_id},${carol.user_id}`,
      }),
    );
    expectOk(await call(bob, 'conversations.kick', { channel, user: carol.user_id }));
    expectOk(await call(bob, 'conversations.kick', { channel, user: alice.user_id }));
    expectError(await call(alice, 'conversations.info', { channel }), 'channel_not_found');
  });

  test('error paths', async () => {
    const channel = (await createChannel(alice)).id;
    expectError(
      await call(alice, 'conversations.kick', { channel, user: alice.user_id }),
      'cant_kick_self',
    );
    expectError(
      await call(alice, 'conversations.kick', { channel, user: bob.user_id }),
      'not_in_channel',
      'target not a member',
    );
    expectError(await call(alice, 'conversations.kick', { channel }), 'user_not_found');
    expectError(
      await call(alice, 'conversations.kick', { channel, user: 'U0000000000' }),
      'user_not_found',
    );
    expectError(
      await call(bob, 'conversations.kick', { channel, user: alice.user_id }),
      'not_in_channel',
      'kicker not a member',
    );
    expectError(
      await call(owner, 'conversations.kick', { channel: general, user: alice.user_id }),
      'cant_kick_from_general',
    );
    expectError(
      await call(alice, 'conversations.kick', { user: bob.user_id }),
      'channel_not_found',
    );
    const im = expectOk(await call(alice, 'conversations.open', { users: bob.user_id })).channel;
    expectError(
      await call(alice, 'conversations.kick', { channel: im.id, user: bob.user_id }),
      'method_not_supported_for_channel_type',
    );
  });
});

describe('conversations.open and close', () => {
  test('one other user makes an im; opening again finds it', async () => {
    const first = expectOk(await call(carol, 'conversations.open', { users: dave.user_id }));
    const im = first.channel;
    assert.match(im.id, /^D[0-9A-Z]+$/);
    assert.equal(im.is_im, true);
    assert.equal(im.is_private, true);
    assert.equal(im.user, dave.user_id);
    assert.equal(im.is_user_deleted, false);
    assert.equal(im.is_open, true);
    assert.equal(first.no_op, undefined);

    const again = expectOk(await call(carol, 'conversations.open', { users: dave.user_id }));
    assert.equal(again.channel.id, im.id);
    assert.equal(again.no_op, true);
    assert.equal(again.already_open, true);

    const other = expectOk(
      await call(dave, 'conversations.open', { users: carol.user_id, return_im: true }),
    );
    assert.equal(other.channel.id, im.id, 'the same im from the other side');
    assert.equal(other.channel.user, carol.user_id);
  });

  test('two to eight others make an mpim, whatever their order', async () => {
    const users = [alice, bob, carol].map((u) => u.user_id);
    const { channel } = expectOk(
      await call(dave, 'conversations.open', { users: users.join(',') }),
    );
    assert.match(channel.id, /^G[0-9A-Z]+$/);
    assert.equal(channel.is_mpim, true);
    assert.equal(channel.is_im, false);
    assert.equal(channel.is_private, true);
    assert.match(channel.name, /^mpdm-.*-1$/);
    const reversed = expectOk(
      await call(bob, 'conversations.open', {
        users: [dave.user_id, ...users].reverse().join(','),
      }),
    );
    assert.equal(reversed.channel.id, channel.id);
    assert.equal(reversed.no_op, true);
    assert.deepEqual((await memberIds(alice, channel.id)).sort(), [...users, dave.user_id].sort());
    expectError(
      await call(guest, 'conversations.info', { channel: channel.id }),
      'channel_not_found',
    );
  });

  test('too many participants', async () => {
    const extra = [];
    for (let i = 0; i < 5; i++) {
      extra.push(
        server.admin(
          'create-user',
          '--team',
          owner.team_id,
          '--email',
          `crowd${i}@acme.test`,
          '--name',
          `crowd${i}`,
          '--password',
          PASSWORD,
        ).user_id,
      );
    }
    const nine = [alice, bob, carol, dave].map((u) => u.user_id).concat(extra);
    expectError(
      await call(owner, 'conversations.open', { users: nine.join(',') }),
      'too_many_users',
    );
    const eight = nine.slice(0, 8);
    expectOk(await call(owner, 'conversations.open', { users: eight.join(',') }));
  });

  test('a self-DM is an im with one participant', async () => {
    const { channel } = expectOk(await call(bob, 'conversations.open', { users: bob.user_id }));
    assert.equal(channel.is_im, true);
    assert.equal(channel.user, bob.user_id);
    assert.deepEqual(await memberIds(bob, channel.id), [bob.user_id]);
    const again = expectOk(await call(bob, 'conversations.open', { users: bob.user_id }));
    assert.equal(again.channel.id, channel.id);
  });

  test('close and reopen by channel', async () => {
    const { channel } = expectOk(await call(alice, 'conversations.open', { users: carol.user_id }));
    const closed = expectOk(await call(alice, 'conversations.close', { channel: channel.id }));
    assert.equal(closed.no_op, undefined);
    const info = expectOk(await call(alice, 'conversations.info', { channel: channel.id })).channel;
    assert.equal(info.is_open, false);
    const twice = expectOk(await call(alice, 'conversations.close', { channel: channel.id }));
    assert.equal(twice.no_op, true);
    assert.equal(twice.already_closed, true);

    const reopened = expectOk(await call(alice, 'conversations.open', { channel: channel.id }));
    assert.equal(reopened.channel.id, channel.id);
    assert.equal(reopened.channel.is_open, true);
    assert.equal(reopened.no_op, true);
    assert.equal(reopened.already_open, false);
    const byUsers = expectOk(await call(alice, 'conversations.open', { users: carol.user_id }));
    assert.equal(byUsers.already_open, true);
  });

  test('error paths', async () => {
    expectError(await call(alice, 'conversations.open', {}), 'users_list_not_supplied');
    expectError(
      await call(alice, 'conversations.open', { users: 'U0000000000' }),
      'user_not_found',
    );
    expectError(await call(alice, 'conversations.open', { users: 'not an id' }), 'user_not_found');
    expectError(
      await call(alice, 'conversations.open', { users: outsider.user_id }),
      'user_not_found',
    );
    expectError(
      await call(alice, 'conversations.open', { channel: 'D0000000000' }),
      'channel_not_found',
    );
    expectError(
      await call(alice, 'conversations.open', { channel: general }),
      'method_not_supported_for_channel_type',
    );
    expectError(
      await call(alice, 'conversations.close', { channel: general }),
      'method_not_supported_for_channel_type',
    );
    expectError(await call(alice, 'conversations.close', {}), 'channel_not_found');
    const im = expectOk(await call(bob, 'conversations.open', { users: carol.user_id })).channel;
    expectError(await call(alice, 'conversations.close', { channel: im.id }), 'channel_not_found');
    expectError(await call(alice, 'conversations.open', { channel: im.id }), 'channel_not_found');
  });

  test('an existing im with a deactivated user opens; a new one does not', async () => {
    const gone = server.admin(
      'create-user',
      '--team',
      owner.team_id,
      '--email',
      'gone@acme.test',
      '--name',
      'gone',
      '--password',
      PASSWORD,
    );
    const never = server.admin(
      'create-user',
      '--team',
      owner.team_id,
      '--email',
      'never@acme.test',
      '--name',
      'never',
      '--password',
      PASSWORD,
    );
    const { channel } = expectOk(await call(alice, 'conversations.open', { users: gone.user_id }));
    server.admin('deactivate-user', '--user', gone.user_id);
    server.admin('deactivate-user', '--user', never.user_id);
    const again = expectOk(await call(alice, 'conversations.open', { users: gone.user_id }));
    assert.equal(again.channel.id, channel.id);
    assert.equal(again.channel.is_user_deleted, true);
    expectError(
      await call(alice, 'conversations.open', { users: never.user_id }),
      'user_not_found',
    );
  });
});

describe('conversations.setTopic and setPurpose', () => {
  test('set and return the channel', async () => {
    const channel = (await createChannel(alice)).id;
    const topic = expectOk(
      await call(alice, 'conversations.setTopic', { channel, topic: 'Ship it \u{1F680}' }),
    ).channel;
    assert.equal(topic.topic.value, 'Ship it \u{1F680}');
    assert.equal(topic.topic.creator, alice.user_id);
    assert.ok(topic.topic.last_set > 0);
    const purpose = expectOk(
      await call(alice, 'conversations.setPurpose', { channel, purpose: 'Release planning' }),
    ).channel;
    assert.equal(purpose.purpose.value, 'Release planning');
    assert.equal(purpose.topic.value, 'Ship it \u{1F680}', 'the topic stays');
    const info = expectOk(await call(bob, 'conversations.info', { channel })).channel;
    assert.equal(info.topic.value, 'Ship it \u{1F680}');
    assert.equal(info.purpose.value, 'Release planning');
  });

  test('250 characters is the limit, counted in characters', async () => {
    const channel = (await createChannel(alice)).id;
    expectOk(await call(alice, 'conversations.setTopic', { channel, topic: '\u00e9'.repeat(250) }));
    expectError(
      await call(alice, 'conversations.setTopic', { channel, topic: 'x'.repeat(251) }),
      'too_long',
    );
    expectError(
      await call(alice, 'conversations.setPurpose', { channel, purpose: 'x'.repeat(251) }),
      'too_long',
    );
  });

  test('members only, and not when archived', async () => {
    const channel = (await createChannel(alice)).id;
    expectError(
      await call(bob, 'conversations.setTopic', { channel, topic: 'x' }),
      'not_in_channel',
    );
    expectError(
      await call(bob, 'conversations.setPurpose', { channel, purpose: 'x' }),
      'not_in_channel',
    );
    expectOk(await call(alice, 'conversations.archive', { channel }));
    expectError(
      await call(alice, 'conversations.setTopic', { channel, topic: 'x' }),
      'is_archived',
    );
    expectError(
      await call(alice, 'conversations.setPurpose', { channel, purpose: 'x' }),
      'is_archived',
    );
    expectError(await call(alice, 'conversations.setTopic', { topic: 'x' }), 'channel_not_found');
  });
});

describe('conversations.rename', () => {
  test('the creator renames; the old name becomes free', async () => {
    const channel = await createChannel(alice);
    const name = fresh('renamed');
    const renamed = expectOk(
      await call(alice, 'conversations.rename', { channel: channel.id, name }),
    ).channel;
    assert.equal(renamed.name, name);
    assert.equal(renamed.id, channel.id);
    expectOk(await call(bob, 'conversations.create', { name: channel.name }));
    expectOk(await call(alice, 'conversations.rename', { channel: channel.id, name }), 'same name');
  });

  test('admins may rename; other members may not', async () => {
    const channel = (await createChannel(alice)).id;
    expectOk(
      await call(alice, 'conversations.invite', {
        channel,
        users: `${bob.user_id},${admin.user_id}`,
      }),
    );
    expectError(
      await call(bob, 'conversations.rename', { channel, name: fresh() }),
      'not_authorized',
    );
    expectOk(await call(admin, 'conversations.rename', { channel, name: fresh() }));
    expectError(
      await call(carol, 'conversations.rename', { channel, name: fresh() }),
      'not_in_channel',
    );
  });

  test('general only by admins and owners', async () => {
    expectError(
      await call(alice, 'conversations.rename', { channel: general, name: fresh() }),
      'not_authorized',
    );
    const name = fresh('town-square');
    expectOk(await call(owner, 'conversations.rename', { channel: general, name }));
    const info = expectOk(await call(alice, 'conversations.info', { channel: general })).channel;
    assert.equal(info.name, name);
    assert.equal(info.is_general, true);
    expectOk(await call(owner, 'conversations.rename', { channel: general, name: 'general' }));
  });

  test('name rules, taken names and the wrong kinds', async () => {
    const channel = (await createChannel(alice)).id;
    const other = await createChannel(alice);
    expectError(await call(alice, 'conversations.rename', { channel }), 'invalid_name_required');
    expectError(
      await call(alice, 'conversations.rename', { channel, name: 'Bad!' }),
      'invalid_name_specials',
    );
    expectError(
      await call(alice, 'conversations.rename', { channel, name: 'y'.repeat(81) }),
      'invalid_name_maxlength',
    );
    expectError(
      await call(alice, 'conversations.rename', { channel, name: other.name }),
      'name_taken',
    );
    expectError(await call(alice, 'conversations.rename', { name: fresh() }), 'channel_not_found');
    const im = expectOk(await call(alice, 'conversations.open', { users: bob.user_id })).channel;
    expectError(
      await call(alice, 'conversations.rename', { channel: im.id, name: fresh() }),
      'method_not_supported_for_channel_type',
    );
    expectOk(await call(alice, 'conversations.archive', { channel }));
    expectError(
      await call(alice, 'conversations.rename', { channel, name: fresh() }),
      'is_archived',
    );
  });
});

describe('conversations.archive and unarchive', () => {
  test('archive keeps members; unarchive brings the channel back', async () => {
    const channel = (await createChannel(alice)).id;
    expectOk(await call(alice, 'conversations.invite', { channel, users: bob.user_id }));
    expectOk(await call(bob, 'conversations.archive', { channel }), 'any member may archive');
    const info = expectOk(await call(alice, 'conversations.info', { channel })).channel;
    assert.equal(info.is_archived, true);
    assert.deepEqual((await memberIds(alice, channel)).sort(), [alice.user_id, bob.user_id].sort());
    expectError(await call(alice, 'conversations.archive', { channel }), 'already_archived');
    expectOk(await call(bob, 'conversations.unarchive', { channel }));
    expectError(await call(alice, 'conversations.unarchive', { channel }), 'not_archived');
    const back = expectOk(await call(alice, 'conversations.info', { channel })).channel;
    assert.equal(back.is_archived, false);
    expectOk(await call(alice, 'conversations.setTopic', { channel, topic: 'alive again' }));
  });

  test('who may archive', async () => {
    const channel = (await createChannel(alice)).id;
    expectError(await call(bob, 'conversations.archive', { channel }), 'not_in_channel');
    expectOk(await call(admin, 'conversations.archive', { channel }), 'admins need no membership');
    expectOk(await call(admin, 'conversations.unarchive', { channel }));
    const withGuest = (await createChannel(alice)).id;
    expectOk(
      await call(alice, 'conversations.invite', { channel: withGuest, users: guest.user_id }),
    );
    expectError(
      await call(guest, 'conversations.archive', { channel: withGuest }),
      'restricted_action',
    );
  });

  test('general, ims and missing channels', async () => {
    expectError(
      await call(owner, 'conversations.archive', { channel: general }),
      'cant_archive_general',
    );
    const im = expectOk(await call(alice, 'conversations.open', { users: bob.user_id })).channel;
    expectError(
      await call(alice, 'conversations.archive', { channel: im.id }),
      'method_not_supported_for_channel_type',
    );
    expectError(await call(alice, 'conversations.archive', {}), 'channel_not_found');
    expectError(await call(alice, 'conversations.unarchive', {}), 'channel_not_found');
  });
});

describe('conversations.list', () => {
  test('25 channels with limit=10 come back once each, in three pages', async () => {
    // A workspace of its own, so no other test's channels change the count.
    const team = server.admin(
      'create-workspace',
      '--name',
      'Pages',
      '--email',
      'pages@pages.test',
      '--password',
      PASSWORD,
    );
    const made = [];
    for (let i = 0; i < 25; i++) {
      made.push((await createChannel(team, { name: `page-${i}` })).id);
    }
    const { items, pages } = await allPages(team, 'conversations.list', { limit: 10 }, 'channels');
    const ids = items.map((c) => c.id);
    assert.equal(pages, 3);
    assert.equal(new Set(ids).size, ids.length, 'no channel twice');
    assert.equal(ids.length, 26, 'the 25 and general');
    for (const id of made) assert.ok(ids.includes(id));
    assert.deepEqual(ids, [...ids].sort(), 'ordered by id');
  });

  test('types filter and exclude_archived', async () => {
    const open = await createChannel(alice);
    const archived = await createChannel(alice);
    const secret = await createChannel(alice, { is_private: true });
    const im = expectOk(await call(alice, 'conversations.open', { users: dave.user_id })).channel;
    const mpim = expectOk(
      await call(alice, 'conversations.open', { users: `${dave.user_id},${carol.user_id}` }),
    ).channel;
    expectOk(await call(alice, 'conversations.archive', { channel: archived.id }));

    const publicOnly = await listIds(alice);
    assert.ok(publicOnly.includes(open.id) && publicOnly.includes(archived.id));
    assert.ok(!publicOnly.includes(secret.id) && !publicOnly.includes(im.id));

    const live = await listIds(alice, { exclude_archived: true });
    assert.ok(live.includes(open.id) && !live.includes(archived.id));

    const everything = await listIds(alice, { types: 'public_channel,private_channel,mpim,im' });
    for (const c of [open, archived, secret, im, mpim]) assert.ok(everything.includes(c.id));

    const dms = await listIds(alice, { types: 'im,mpim' });
    assert.ok(dms.includes(im.id) && dms.includes(mpim.id));
    assert.ok(!dms.includes(open.id) && !dms.includes(secret.id));
    assert.ok(!(await listIds(bob, { types: 'im' })).includes(im.id), "not someone else's im");
  });

  test('bad limit, cursor and types', async () => {
    for (const limit of ['-1', 'abc', '1.5']) {
      expectError(
        await call(alice, 'conversations.list', { limit }),
        'invalid_limit',
        `limit=${limit}`,
      );
    }
    expectOk(await call(alice, 'conversations.list', { limit: 1000 }));
    expectOk(await call(alice, 'conversations.list', { limit: 5000 }), 'clamped to 1000');
    for (const cursor of [
      'garbage',
      '!!!!',
      'x'.repeat(600),
      Buffer.from('members:U1').toString('base64'),
    ]) {
      expectError(await call(alice, 'conversations.list', { cursor }), 'invalid_cursor', cursor);
    }
    expectError(
      await call(alice, 'conversations.list', { types: 'public_channel,nonsense' }),
      'invalid_types',
    );
  });
});

describe('conversations.members', () => {
  test('pages over the member ids', async () => {
    const channel = (await createChannel(alice)).id;
    const everyone = [bob, carol, dave, owner, admin].map((u) => u.user_id);
    expectOk(await call(alice, 'conversations.invite', { channel, users: everyone.join(',') }));
    const { items, pages } = await allPages(
      bob,
      'conversations.members',
      { channel, limit: 2 },
      'members',
    );
    assert.equal(pages, 3);
    assert.deepEqual(items, [...everyone, alice.user_id].sort());
    expectError(
      await call(bob, 'conversations.members', { channel, limit: 'lots' }),
      'invalid_limit',
    );
    expectError(
      await call(bob, 'conversations.members', { channel, cursor: 'nope' }),
      'invalid_cursor',
    );
    expectError(await call(bob, 'conversations.members', {}), 'channel_not_found');
  });

  test("a non-member sees a public channel's members", async () => {
    const channel = (await createChannel(alice)).id;
    assert.deepEqual(await memberIds(carol, channel), [alice.user_id]);
  });
});

describe('users.conversations', () => {
  test("the caller's own conversations, filtered by type", async () => {
    const mine = await createChannel(carol);
    const secret = await createChannel(carol, { is_private: true });
    const notMine = await createChannel(alice);
    const { items } = await allPages(
      carol,
      'users.conversations',
      { types: 'public_channel,private_channel', limit: 3 },
      'channels',
    );
    const ids = items.map((c) => c.id);
    assert.ok(ids.includes(mine.id) && ids.includes(secret.id) && ids.includes(general));
    assert.ok(!ids.includes(notMine.id));
    assert.equal(new Set(ids).size, ids.length);
    for (const c of items) assert.equal(c.is_member, true);
  });

  test("another user's conversations, limited to what the caller may see", async () => {
    const theirIm = expectOk(
      await call(carol, 'conversations.open', { users: dave.user_id }),
    ).channel;
    const shared = await createChannel(dave);
    const hidden = await createChannel(dave, { is_private: true });
    const visible = await createChannel(dave, { is_private: true });
    expectOk(await call(dave, 'conversations.invite', { channel: visible.id, users: bob.user_id }));
    const { items } = await allPages(
      bob,
      'users.conversations',
      { user: dave.user_id, types: 'public_channel,private_channel,im,mpim', limit: 1 },
      'channels',
    );
    const ids = items.map((c) => c.id);
    assert.ok(ids.includes(shared.id) && ids.includes(visible.id));
    assert.ok(!ids.includes(hidden.id), 'a private channel bob is not in');
    assert.ok(!ids.includes(theirIm.id), 'an im bob is not in');
  });

  test('unknown users and bad arguments', async () => {
    expectError(await call(bob, 'users.conversations', { user: 'U0000000000' }), 'user_not_found');
    expectError(
      await call(bob, 'users.conversations', { user: outsider.user_id }),
      'user_not_found',
    );
    expectError(await call(bob, 'users.conversations', { limit: 0.5 }), 'invalid_limit');
    expectError(await call(bob, 'users.conversations', { cursor: '%%%' }), 'invalid_cursor');
    expectError(await call(bob, 'users.conversations', { types: 'channels' }), 'invalid_types');
  });
});

describe('guests', () => {
  test('see only the channels they belong to', async () => {
    const newcomer = server.admin(
      'create-user',
      '--team',
      owner.team_id,
      '--email',
      'newcomer@acme.test',
      '--name',
      'newcomer',
      '--password',
      PASSWORD,
      '--role',
      'guest',
    );
    const invited = await createChannel(alice);
    const notInvited = await createChannel(alice);
    expectError(
      await call(newcomer, 'conversations.info', { channel: invited.id }),
      'channel_not_found',
    );
    expectError(
      await call(newcomer, 'conversations.join', { channel: invited.id }),
      'channel_not_found',
      'guests cannot join public channels uninvited',
    );
    expectError(
      await call(newcomer, 'conversations.info', { channel: general }),
      'channel_not_found',
      'guests are not in general',
    );
    assert.deepEqual(await listIds(newcomer, { types: 'public_channel,private_channel' }), []);

    expectOk(
      await call(alice, 'conversations.invite', { channel: invited.id, users: newcomer.user_id }),
    );
    assert.deepEqual(await listIds(newcomer, { types: 'public_channel,private_channel' }), [
      invited.id,
    ]);
    const own = expectOk(await call(newcomer, 'users.conversations', {})).channels;
    assert.deepEqual(
      own.map((c) => c.id),
      [invited.id],
    );
    const joined = expectOk(await call(newcomer, 'conversations.join', { channel: invited.id }));
    assert.equal(joined.already_in_channel, true);
    expectError(
      await call(newcomer, 'conversations.members', { channel: notInvited.id }),
      'channel_not_found',
    );
    const aliceSeen = expectOk(
      await call(newcomer, 'users.conversations', { user: alice.user_id }),
    ).channels;
    assert.deepEqual(
      aliceSeen.map((c) => c.id),
      [invited.id],
      'only shared channels',
    );
  });

  test('may not invite or kick', async () => {
    const channel = (await createChannel(alice, { is_private: true })).id;
    expectOk(
      await call(alice, 'conversations.invite', {
        channel,
        users: `${guest.user_id},${bob.user_id}`,
      }),
    );
    expectError(
      await call(guest, 'conversations.invite', { channel, users: carol.user_id }),
      'restricted_action',
    );
    expectError(
      await call(guest, 'conversations.kick', { channel, user: bob.user_id }),
      'restricted_action',
    );
  });
});

describe('another workspace', () => {
  test('sees nothing of this one', async () => {
    const pub = await createChannel(alice);
    for (const channel of [pub.id, general]) {
      expectError(await call(outsider, 'conversations.info', { channel }), 'channel_not_found');
      expectError(await call(outsider, 'conversations.members', { channel }), 'channel_not_found');
      expectError(await call(outsider, 'conversations.join', { channel }), 'channel_not_found');
      expectError(await call(outsider, 'conversations.leave', { channel }), 'channel_not_found');
      expectError(await call(outsider, 'conversations.archive', { channel }), 'channel_not_found');
      expectError(
        await call(outsider, 'conversations.setTopic', { channel, topic: 'x' }),
        'channel_not_found',
      );
    }
    const listed = await listIds(outsider, { types: 'public_channel,private_channel,im,mpim' });
    assert.ok(!listed.includes(pub.id) && !listed.includes(general));
    assert.ok(listed.includes(outsiderGeneral));
    expectError(
      await call(outsider, 'users.conversations', { user: alice.user_id }),
      'user_not_found',
    );
    expectError(
      await call(outsider, 'conversations.open', { users: alice.user_id }),
      'user_not_found',
    );
    expectError(
      await call(outsider, 'conversations.invite', {
        channel: outsiderGeneral,
        users: alice.user_id,
      }),
      'user_not_found',
    );
    expectError(
      await call(alice, 'conversations.info', { channel: outsiderGeneral }),
      'channel_not_found',
    );
  });
});

describe('bad input', () => {
  test('never breaks the server', async () => {
    const weird = ['\u0000', '\u{1F600}'.repeat(100), 'C'.repeat(20000), '../../etc/passwd', '%00'];
    for (const value of weird) {
      for (const method of [
        'conversations.info',
        'conversations.join',
        'conversations.members',
        'conversations.setTopic',
        'conversations.rename',
        'conversations.open',
        'conversations.invite',
        'conversations.kick',
      ]) {
        const response = await call(alice, method, {
          channel: value,
          users: value,
          user: value,
          name: value,
          topic: value,
          cursor: value,
        });
        assert.equal(response.ok, false, `${method} with ${value.slice(0, 20)}`);
        assert.equal(typeof response.error, 'string');
      }
    }
    const json = await server.raw('/api/conversations.list', {
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ limit: 2, types: 'public_channel', exclude_archived: true }),
    });
    const parsed = JSON.parse(json.text);
    assert.equal(parsed.ok, true);
    assert.equal(parsed.channels.length, 2);
    expectOk(await call(alice, 'conversations.info', { channel: general }), 'still serving');
  });
});
