// Slack SDK compatibility: conversations.* (channels, private channels, DMs and group DMs),
// through the official @slack/web-api WebClient exactly as a Slack app would use it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '@slack/web-api';
import { startWithTeam } from '../lib/server.mjs';
import { sdkClient, failsWith } from '../lib/sdk.mjs';

let server;
let owner;
let members;
let guests;

function client(token) {
  return sdkClient(server, token);
}

// The fields every Slack conversation object carries, whatever its kind.
function assertConversationShape(channel) {
  assert.equal(typeof channel.id, 'string');
  assert.match(channel.id, /^[CGD][A-Z0-9]{8,}$/);
  assert.equal(typeof channel.created, 'number');
  for (const flag of ['is_channel', 'is_group', 'is_im', 'is_mpim', 'is_private', 'is_archived']) {
    assert.equal(typeof channel[flag], 'boolean', flag);
  }
}

async function memberIds(token, channel) {
  const ids = [];
  for await (const page of client(token).paginate('conversations.members', {
    channel,
    limit: 100,
  })) {
    ids.push(...page.members);
  }
  return ids;
}

let channelCounter = 0;
async function newChannel(token, { isPrivate = false } = {}) {
  channelCounter += 1;
  const name = `chan-${channelCounter}`;
  const { channel } = await client(token).conversations.create({ name, is_private: isPrivate });
  return channel;
}

before(async () => {
  ({ server, owner, members, guests } = await startWithTeam({ members: 3, guests: 1 }));
});

after(async () => {
  await server.stop();
  server.cleanup();
});

test('conversations.create makes a public channel with the creator as member', async () => {
  const created = await client(owner.token).conversations.create({ name: 'launch-plans' });
  const { channel } = created;
  assertConversationShape(channel);
  assert.match(channel.id, /^C/);
  assert.equal(channel.name, 'launch-plans');
  assert.equal(channel.name_normalized, 'launch-plans');
  assert.equal(channel.is_channel, true);
  assert.equal(channel.is_private, false);
  assert.equal(channel.is_im, false);
  assert.equal(channel.is_mpim, false);
  assert.equal(channel.is_archived, false);
  assert.equal(channel.is_general, false);
  assert.equal(channel.is_member, true);
  assert.equal(channel.creator, owner.user_id);
  assert.deepEqual(Object.keys(channel.topic).sort(), ['creator', 'last_set', 'value']);
  assert.deepEqual(Object.keys(channel.purpose).sort(), ['creator', 'last_set', 'value']);

  assert.deepEqual(await memberIds(owner.token, channel.id), [owner.user_id]);
});

test('conversations.create makes a private channel', async () => {
  const { channel } = await client(members[0].token).conversations.create({
    name: 'secret-plans',
    is_private: true,
  });
  assertConversationShape(channel);
  assert.equal(channel.is_private, true);
  assert.equal(channel.name, 'secret-plans');
  assert.equal(channel.creator, members[0].user_id);

  // Outsiders cannot tell it exists.
  await failsWith(
    'channel_not_found',
    client(members[1].token).conversations.info({ channel: channel.id }),
  );
});

test('conversations.create refuses taken and malformed names', async () => {
  await client(owner.token).conversations.create({ name: 'taken-name' });
  await failsWith(
    'name_taken',
    client(members[0].token).conversations.create({ name: 'taken-name' }),
  );
  await failsWith(
    'invalid_name_specials',
    client(owner.token).conversations.create({ name: 'Has Spaces' }),
  );
  await failsWith('invalid_name_required', client(owner.token).conversations.create({ name: '' }));
  await failsWith(
    'invalid_name_maxlength',
    client(owner.token).conversations.create({ name: 'x'.repeat(81) }),
  );
  await failsWith(
    'restricted_action',
    client(guests[0].token).conversations.create({ name: 'guest-made' }),
  );
});

test('conversations.info returns the channel; include_num_members adds the count', async () => {
  const made = await newChannel(owner.token);
  const { channel } = await client(members[0].token).conversations.info({ channel: made.id });
  assertConversationShape(channel);
  assert.equal(channel.id, made.id);
  assert.equal(channel.name, made.name);
  assert.equal(channel.is_member, false);

  const counted = await client(owner.token).conversations.info({
    channel: made.id,
    include_num_members: true,
  });
  assert.equal(counted.channel.num_members, 1);
  assert.equal(counted.channel.is_member, true);
});

test('conversations.info on a missing channel is channel_not_found', async () => {
  const client_ = client(owner.token);
  await assert.rejects(
    client_.conversations.info({ channel: 'C0000000000' }),
    (e) => e.code === ErrorCode.PlatformError && e.data.error === 'channel_not_found',
  );
});

test('conversations.list: public channels by default, other types on request', async () => {
  const pub = await newChannel(owner.token);
  const priv = await newChannel(owner.token, { isPrivate: true });

  const byDefault = await client(owner.token).conversations.list();
  const ids = byDefault.channels.map((c) => c.id);
  assert.ok(ids.includes(pub.id));
  assert.ok(!ids.includes(priv.id), 'private channel listed without types');
  assert.ok(byDefault.channels.some((c) => c.is_general && c.name === 'general'));
  for (const c of byDefault.channels) assertConversationShape(c);
  assert.equal(typeof byDefault.response_metadata.next_cursor, 'string');

  const both = await client(owner.token).conversations.list({
    types: 'public_channel,private_channel',
  });
  assert.ok(both.channels.some((c) => c.id === priv.id));
  assert.ok(both.channels.some((c) => c.id === pub.id));

  // A member who is not in the private channel does not see it.
  const theirs = await client(members[2].token).conversations.list({
    types: 'public_channel,private_channel',
  });
  assert.ok(!theirs.channels.some((c) => c.id === priv.id));

  await failsWith('invalid_types', client(owner.token).conversations.list({ types: 'bogus' }));
});

test('conversations.list paginates with a small limit: every channel exactly once', async () => {
  for (let i = 0; i < 7; i++) await newChannel(members[1].token);
  const all = await client(owner.token).conversations.list({ limit: 1000 });
  assert.equal(all.response_metadata.next_cursor, '');
  const expected = all.channels.map((c) => c.id).sort();
  assert.ok(expected.length >= 8);

  const seen = [];
  let pages = 0;
  for await (const page of client(owner.token).paginate('conversations.list', { limit: 2 })) {
    pages += 1;
    assert.ok(page.channels.length <= 2);
    seen.push(...page.channels.map((c) => c.id));
  }
  assert.equal(new Set(seen).size, seen.length, 'a channel appeared twice');
  assert.deepEqual([...seen].sort(), expected);
  assert.ok(pages >= Math.ceil(expected.length / 2));
});

test('conversations.list with exclude_archived leaves archived channels out', async () => {
  const gone = await newChannel(owner.token);
  await client(owner.token).conversations.archive({ channel: gone.id });
  const withArchived = await client(owner.token).conversations.list({ limit: 1000 });
  const archivedEntry = withArchived.channels.find((c) => c.id === gone.id);
  assert.ok(archivedEntry);
  assert.equal(archivedEntry.is_archived, true);
  const without = await client(owner.token).conversations.list({
    limit: 1000,
    exclude_archived: true,
  });
  assert.ok(!without.channels.some((c) => c.id === gone.id));
});

test('conversations.join and conversations.leave change membership', async () => {
  const made = await newChannel(owner.token);
  const member = client(members[0].token);

  const joined = await member.conversations.join({ channel: made.id });
  assert.equal(joined.channel.id, made.id);
  assert.equal(joined.channel.is_member, true);
  assert.ok((await memberIds(owner.token, made.id)).includes(members[0].user_id));

  const again = await member.conversations.join({ channel: made.id });
  assert.equal(again.channel.id, made.id);
  assert.equal(again.warning, 'already_in_channel');

  const left = await member.conversations.leave({ channel: made.id });
  assert.equal(left.ok, true);
  assert.equal(left.not_in_channel, undefined);
  assert.ok(!(await memberIds(owner.token, made.id)).includes(members[0].user_id));

  const leftAgain = await member.conversations.leave({ channel: made.id });
  assert.equal(leftAgain.not_in_channel, true);
});

test('conversations.join on a private channel is refused; general cannot be left', async () => {
  const priv = await newChannel(owner.token, { isPrivate: true });
  await failsWith(
    'channel_not_found',
    client(members[0].token).conversations.join({ channel: priv.id }),
  );

  const { channels } = await client(owner.token).conversations.list();
  const general = channels.find((c) => c.is_general);
  await failsWith(
    'cant_leave_general',
    client(members[0].token).conversations.leave({ channel: general.id }),
  );
});

test('conversations.members lists members and paginates', async () => {
  const made = await newChannel(owner.token);
  await client(owner.token).conversations.invite({
    channel: made.id,
    users: members.map((m) => m.user_id).join(','),
  });

  const first = await client(members[0].token).conversations.members({
    channel: made.id,
    limit: 2,
  });
  assert.equal(first.members.length, 2);
  assert.notEqual(first.response_metadata.next_cursor, '');

  const all = await memberIds(members[0].token, made.id);
  assert.deepEqual([...all].sort(), [owner, ...members].map((p) => p.user_id).sort());

  const paged = [];
  for await (const page of client(members[0].token).paginate('conversations.members', {
    channel: made.id,
    limit: 1,
  })) {
    paged.push(...page.members);
  }
  assert.deepEqual([...paged].sort(), [...all].sort());
});

test('conversations.invite adds people; conversations.kick removes them', async () => {
  const made = await newChannel(owner.token);
  const owner_ = client(owner.token);

  const users = `${members[0].user_id},${members[1].user_id}`;
  const invited = await owner_.conversations.invite({ channel: made.id, users });
  assertConversationShape(invited.channel);
  assert.equal(invited.channel.id, made.id);
  let ids = await memberIds(owner.token, made.id);
  assert.ok(ids.includes(members[0].user_id) && ids.includes(members[1].user_id));

  await failsWith(
    'already_in_channel',
    owner_.conversations.invite({ channel: made.id, users: members[0].user_id }),
  );
  await failsWith(
    'cant_invite_self',
    owner_.conversations.invite({ channel: made.id, users: owner.user_id }),
  );
  await failsWith(
    'user_not_found',
    owner_.conversations.invite({ channel: made.id, users: 'U0000000000' }),
  );
  await failsWith(
    'not_in_channel',
    client(members[2].token).conversations.invite({ channel: made.id, users: members[2].user_id }),
  );

  const kicked = await owner_.conversations.kick({ channel: made.id, user: members[1].user_id });
  assert.equal(kicked.ok, true);
  ids = await memberIds(owner.token, made.id);
  assert.ok(!ids.includes(members[1].user_id));
  await failsWith(
    'not_in_channel',
    owner_.conversations.kick({ channel: made.id, user: members[1].user_id }),
  );
  await failsWith(
    'cant_kick_self',
    owner_.conversations.kick({ channel: made.id, user: owner.user_id }),
  );
});

test('not_in_channel for members-only actions by a non-member', async () => {
  const made = await newChannel(owner.token);
  const outsider = client(members[2].token);
  await failsWith(
    'not_in_channel',
    outsider.conversations.setTopic({ channel: made.id, topic: 'hi' }),
  );
  await failsWith(
    'not_in_channel',
    outsider.conversations.setPurpose({ channel: made.id, purpose: 'hi' }),
  );
  await failsWith(
    'not_in_channel',
    outsider.chat.postMessage({ channel: made.id, text: 'hello?' }),
  );
});

test('conversations.setTopic and conversations.setPurpose return the updated channel', async () => {
  const made = await newChannel(owner.token);
  const owner_ = client(owner.token);

  const topic = await owner_.conversations.setTopic({
    channel: made.id,
    topic: 'Ship it on Friday',
  });
  assert.equal(topic.channel.id, made.id);
  assert.equal(topic.channel.topic.value, 'Ship it on Friday');
  assert.equal(topic.channel.topic.creator, owner.user_id);
  assert.equal(typeof topic.channel.topic.last_set, 'number');
  assert.ok(topic.channel.topic.last_set > 0);

  const purpose = await owner_.conversations.setPurpose({
    channel: made.id,
    purpose: 'Plan the launch',
  });
  assert.equal(purpose.channel.purpose.value, 'Plan the launch');
  assert.equal(purpose.channel.purpose.creator, owner.user_id);

  const { channel } = await client(members[0].token).conversations.info({ channel: made.id });
  assert.equal(channel.topic.value, 'Ship it on Friday');
  assert.equal(channel.purpose.value, 'Plan the launch');

  await failsWith(
    'too_long',
    owner_.conversations.setTopic({ channel: made.id, topic: 't'.repeat(251) }),
  );
});

test('conversations.rename renames; name_taken and not_authorized are refused', async () => {
  const made = await newChannel(owner.token);
  const renamed = await client(owner.token).conversations.rename({
    channel: made.id,
    name: 'renamed-channel',
  });
  assert.equal(renamed.channel.id, made.id);
  assert.equal(renamed.channel.name, 'renamed-channel');
  const { channel } = await client(owner.token).conversations.info({ channel: made.id });
  assert.equal(channel.name, 'renamed-channel');

  await client(owner.token).conversations.create({ name: 'occupied' });
  await failsWith(
    'name_taken',
    client(owner.token).conversations.rename({ channel: made.id, name: 'occupied' }),
  );

  // A plain member who did not create the channel may not rename it.
  await client(members[0].token).conversations.join({ channel: made.id });
  await failsWith(
    'not_authorized',
    client(members[0].token).conversations.rename({ channel: made.id, name: 'mine-now' }),
  );
});

test('conversations.archive and unarchive; an archived channel is is_archived for writes', async () => {
  const made = await newChannel(owner.token);
  const owner_ = client(owner.token);
  await owner_.conversations.invite({ channel: made.id, users: members[0].user_id });

  const archived = await owner_.conversations.archive({ channel: made.id });
  assert.equal(archived.ok, true);
  assert.equal((await owner_.conversations.info({ channel: made.id })).channel.is_archived, true);

  await failsWith('is_archived', owner_.chat.postMessage({ channel: made.id, text: 'anyone?' }));
  await failsWith('is_archived', client(members[1].token).conversations.join({ channel: made.id }));
  await failsWith('is_archived', owner_.conversations.setTopic({ channel: made.id, topic: 'x' }));
  await failsWith('already_archived', owner_.conversations.archive({ channel: made.id }));

  const unarchived = await owner_.conversations.unarchive({ channel: made.id });
  assert.equal(unarchived.ok, true);
  assert.equal((await owner_.conversations.info({ channel: made.id })).channel.is_archived, false);
  await owner_.chat.postMessage({ channel: made.id, text: 'back again' });
  await failsWith('not_archived', owner_.conversations.unarchive({ channel: made.id }));

  const { channels } = await owner_.conversations.list();
  const general = channels.find((c) => c.is_general);
  await failsWith('cant_archive_general', owner_.conversations.archive({ channel: general.id }));
});

test('conversations.open finds or creates a DM; conversations.close closes it', async () => {
  const me = client(members[0].token);
  const opened = await me.conversations.open({ users: members[1].user_id, return_im: true });
  assert.equal(opened.ok, true);
  assert.match(opened.channel.id, /^D/);
  assert.equal(opened.channel.is_im, true);
  assert.equal(opened.channel.user, members[1].user_id);

  const again = await me.conversations.open({ users: members[1].user_id });
  assert.equal(again.channel.id, opened.channel.id);
  assert.equal(again.no_op, true);
  assert.equal(again.already_open, true);

  // The other side reaches the same DM.
  const theirs = await client(members[1].token).conversations.open({ users: members[0].user_id });
  assert.equal(theirs.channel.id, opened.channel.id);

  const closed = await me.conversations.close({ channel: opened.channel.id });
  assert.equal(closed.ok, true);
  assert.equal(closed.no_op, undefined);
  const closedAgain = await me.conversations.close({ channel: opened.channel.id });
  assert.equal(closedAgain.no_op, true);
  assert.equal(closedAgain.already_closed, true);

  // Opening by channel id reopens it.
  const reopened = await me.conversations.open({ channel: opened.channel.id });
  assert.equal(reopened.channel.id, opened.channel.id);

  await failsWith('users_list_not_supplied', me.conversations.open({}));
});

test('conversations.open with several users makes a group DM', async () => {
  const me = client(owner.token);
  const opened = await me.conversations.open({
    users: `${members[0].user_id},${members[1].user_id}`,
    return_im: true,
  });
  assertConversationShape(opened.channel);
  assert.equal(opened.channel.is_mpim, true);
  assert.equal(opened.channel.is_im, false);
  assert.equal(opened.channel.is_private, true);
  const ids = await memberIds(owner.token, opened.channel.id);
  assert.deepEqual([...ids].sort(), [owner.user_id, members[0].user_id, members[1].user_id].sort());

  // A group DM is not a channel one can leave or rename.
  await failsWith(
    'method_not_supported_for_channel_type',
    me.conversations.rename({ channel: opened.channel.id, name: 'x' }),
  );
});

test("conversations.mark moves the caller's read position", async () => {
  const made = await newChannel(owner.token);
  const owner_ = client(owner.token);
  const first = await owner_.chat.postMessage({ channel: made.id, text: 'one' });
  await owner_.chat.postMessage({ channel: made.id, text: 'two' });

  const marked = await owner_.conversations.mark({ channel: made.id, ts: first.ts });
  assert.equal(marked.ok, true);
  const { channel } = await owner_.conversations.info({ channel: made.id });
  assert.equal(channel.last_read, first.ts);

  await failsWith(
    'not_in_channel',
    client(members[2].token).conversations.mark({ channel: made.id, ts: first.ts }),
  );
});
