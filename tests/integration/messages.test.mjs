// Messages over real HTTP: chat.*, reactions.*, pins.*, conversations.history, .replies and
// .mark, with every error path and the access rules (members, guests, other workspaces).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebClient, LogLevel } from '@slack/web-api';
import { startWithTeam } from '../lib/server.mjs';

const kTsPattern = /^\d{10}\.\d{6}$/;

let server, owner, alice, bob, guest, outsider, general;

before(async () => {
  const team = await startWithTeam({ members: 2, guests: 1 });
  ({ server, owner } = team);
  [alice, bob] = team.members;
  [guest] = team.guests;
  outsider = server.admin(
    'create-workspace',
    '--name',
    'Elsewhere',
    '--email',
    'boss@elsewhere.test',
    '--password',
    'yet another passphrase',
  );
  const list = await ok('conversations.list', owner, {});
  general = list.channels.find((c) => c.is_general).id;
});

after(async () => {
  await server.stop();
  server.cleanup();
});

// ---- helpers ------------------------------------------------------------------------------

async function ok(method, who, args = {}) {
  const result = await server.api(method, who.token, args);
  assert.equal(result.ok, true, `${method} failed: ${JSON.stringify(result)}`);
  return result;
}

async function fails(method, who, args, error) {
  const result = await server.api(method, who.token, args);
  assert.equal(result.ok, false, `${method} should fail with ${error}: ${JSON.stringify(result)}`);
  assert.equal(result.error, error, `${method}: expected ${error}`);
}

let channelCounter = 0;
// A channel made by `creator` with `members` invited.
async function makeChannel({ creator = owner, members = [alice, bob], isPrivate = false } = {}) {
  channelCounter += 1;
  const { channel } = await ok('conversations.create', creator, {
    name: `msg-${channelCounter}`,
    is_private: isPrivate,
  });
  if (members.length > 0) {
    await ok('conversations.invite', creator, {
      channel: channel.id,
      users: members.map((m) => m.user_id).join(','),
    });
  }
  return channel.id;
}

async function post(who, channel, text, extra = {}) {
  return ok('chat.postMessage', who, { channel, text, ...extra });
}

async function history(who, channel, args = {}) {
  return ok('conversations.history', who, { channel, ...args });
}

// Every message of history, following cursors.
async function readAll(who, channel, limit) {
  const seen = [];
  let cursor;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await history(who, channel, { limit, cursor });
    seen.push(...page.messages);
    cursor = page.response_metadata?.next_cursor;
    if (!cursor) {
      assert.equal(page.has_more, false);
      return seen;
    }
    assert.equal(page.has_more, true);
  }
  throw new Error('history never ended');
}

function tsCompare(a, b) {
  const [as, af] = a.split('.').map(BigInt);
  const [bs, bf] = b.split('.').map(BigInt);
  if (as !== bs) return as < bs ? -1 : 1;
  if (af !== bf) return af < bf ? -1 : 1;
  return 0;
}

// ---- chat.postMessage -----------------------------------------------------------------------

test("chat.postMessage returns the message in Slack's shape", async () => {
  const posted = await post(owner, general, 'Hello, *world*');
  assert.equal(posted.channel, general);
  assert.match(posted.ts, kTsPattern);
  assert.equal(posted.message.type, 'message');
  assert.equal(posted.message.text, 'Hello, *world*');
  assert.equal(posted.message.user, owner.user_id);
  assert.equal(posted.message.ts, posted.ts);
  assert.equal(posted.message.team, owner.team_id);
  assert.equal(posted.message.subtype, undefined);
  assert.equal(posted.message.thread_ts, undefined);

  const found = (await history(alice, general)).messages.find((m) => m.ts === posted.ts);
  assert.equal(found.text, 'Hello, *world*');
});

test('chat.postMessage errors: no_text, channel_not_found, not_in_channel, is_archived', async () => {
  const channel = await makeChannel({ members: [alice] });
  await fails('chat.postMessage', alice, { channel, text: '' }, 'no_text');
  await fails('chat.postMessage', alice, { channel }, 'no_text');
  await fails('chat.postMessage', alice, { channel, blocks: '[]' }, 'no_text');
  await fails(
    'chat.postMessage',
    alice,
    { channel: 'C0000000000', text: 'x' },
    'channel_not_found',
  );
  await fails('chat.postMessage', alice, { text: 'x' }, 'channel_not_found');
  await fails('chat.postMessage', alice, { channel: 'not an id', text: 'x' }, 'channel_not_found');
  // Bob can see the public channel but is not in it.
  await fails('chat.postMessage', bob, { channel, text: 'x' }, 'not_in_channel');

  await ok('conversations.archive', owner, { channel });
  await fails('chat.postMessage', alice, { channel, text: 'x' }, 'is_archived');
});

test('chat.postMessage: blocks as an array or a JSON string; invalid_blocks otherwise', async () => {
  const channel = await makeChannel();
  const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }];
  const asString = await post(alice, channel, 'fallback', { blocks: JSON.stringify(blocks) });
  assert.deepEqual(asString.message.blocks, blocks);

  // A JSON body keeps the array as an array.
  const response = await fetch(`${server.url}/api/chat.postMessage`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      authorization: `Bearer ${alice.token}`,
    },
    body: JSON.stringify({ channel, blocks }),
  });
  const asJson = await response.json();
  assert.equal(asJson.ok, true, JSON.stringify(asJson));
  assert.deepEqual(asJson.message.blocks, blocks);
  assert.equal(asJson.message.text, '');

  await fails(
    'chat.postMessage',
    alice,
    { channel, text: 'x', blocks: 'not json' },
    'invalid_blocks',
  );
  await fails(
    'chat.postMessage',
    alice,
    { channel, text: 'x', blocks: '{"type":"divider"}' },
    'invalid_blocks',
  );
  await fails('chat.postMessage', alice, { channel, text: 'x', blocks: '"[]"' }, 'invalid_blocks');
  // Bounded: Slack's 50 blocks, and no pathological nesting.
  const fifty = Array.from({ length: 50 }, () => ({ type: 'divider' }));
  assert.equal(
    (await post(alice, channel, 'x', { blocks: JSON.stringify(fifty) })).message.blocks.length,
    50,
  );
  await fails(
    'chat.postMessage',
    alice,
    { channel, text: 'x', blocks: JSON.stringify([...fifty, { type: 'divider' }]) },
    'invalid_blocks',
  );
  await fails(
    'chat.postMessage',
    alice,
    { channel, text: 'x', blocks: '['.repeat(100_000) + ']'.repeat(100_000) },
    'invalid_blocks',
  );
});

test('chat.postMessage: 40,000 characters pass, 40,001 are msg_too_long (multi-byte)', async () => {
  const channel = await makeChannel();
  const euro = '€'; // 3 bytes in UTF-8.
  const smile = '😀'; // 4 bytes in UTF-8, one character.
  const longest = await post(alice, channel, euro.repeat(40_000));
  assert.equal([...longest.message.text].length, 40_000);
  await fails('chat.postMessage', alice, { channel, text: euro.repeat(40_001) }, 'msg_too_long');

  const emoji = await post(alice, channel, smile.repeat(40_000));
  assert.equal([...emoji.message.text].length, 40_000);
  await fails(
    'chat.postMessage',
    alice,
    { channel, text: smile.repeat(40_000) + 'x' },
    'msg_too_long',
  );

  const found = (await history(bob, channel, { limit: 2 })).messages;
  assert.equal(found[0].text, smile.repeat(40_000));
  assert.equal(found[1].text, euro.repeat(40_000));
});

test('chat.postMessage with a client_msg_id is idempotent, also under concurrent retries', async () => {
  const channel = await makeChannel();
  const first = await post(alice, channel, 'once', { client_msg_id: 'retry-1' });
  assert.equal(first.message.client_msg_id, 'retry-1');
  const again = await post(alice, channel, 'once (retried)', { client_msg_id: 'retry-1' });
  assert.equal(again.ts, first.ts);
  assert.equal(again.message.text, 'once');

  // The same id from someone else, or in another conversation, is a different message.
  const bobs = await post(bob, channel, 'mine', { client_msg_id: 'retry-1' });
  assert.notEqual(bobs.ts, first.ts);
  const elsewhere = await post(alice, general, 'there', { client_msg_id: 'retry-1' });
  assert.notEqual(elsewhere.ts, first.ts);

  // Ten retries racing each other create one message.
  const racing = await Promise.all(
    Array.from({ length: 10 }, () => post(alice, channel, 'raced', { client_msg_id: 'retry-2' })),
  );
  assert.equal(new Set(racing.map((r) => r.ts)).size, 1);

  const all = await readAll(bob, channel, 100);
  assert.equal(all.filter((m) => m.client_msg_id === 'retry-1').length, 2); // Alice's and Bob's.
  assert.equal(all.filter((m) => m.client_msg_id === 'retry-2').length, 1);

  await fails(
    'chat.postMessage',
    alice,
    { channel, text: 'x', client_msg_id: 'x'.repeat(200) },
    'invalid_arguments',
  );
});

test('chat.postMessage to a user id opens the DM; only its members read it', async () => {
  const posted = await post(owner, alice.user_id, 'psst');
  assert.match(posted.channel, /^D/);
  const reply = await post(alice, owner.user_id, 'yes?');
  assert.equal(reply.channel, posted.channel);
  const posted2 = await post(owner, posted.channel, 'by id');
  assert.equal(posted2.channel, posted.channel);

  const read = await history(alice, posted.channel);
  assert.deepEqual(
    read.messages.map((m) => m.text),
    ['by id', 'yes?', 'psst'],
  );
  await fails('conversations.history', bob, { channel: posted.channel }, 'channel_not_found');
  await fails('chat.postMessage', bob, { channel: posted.channel, text: 'x' }, 'channel_not_found');

  // A DM with oneself works too; unknown and foreign users are not found.
  const self = await post(bob, bob.user_id, 'note to self');
  assert.match(self.channel, /^D/);
  await fails('chat.postMessage', bob, { channel: 'U0000000000', text: 'x' }, 'channel_not_found');
  await fails(
    'chat.postMessage',
    bob,
    { channel: outsider.user_id, text: 'x' },
    'channel_not_found',
  );
});

test('threads: reply_count, reply_users, latest_reply; replies in order; history without replies', async () => {
  const channel = await makeChannel();
  const parent = await post(owner, channel, 'parent');
  const replies = [];
  for (const who of [alice, bob, alice]) {
    const reply = await post(who, channel, `reply by ${who.user_id}`, { thread_ts: parent.ts });
    assert.equal(reply.message.thread_ts, parent.ts);
    assert.equal(reply.message.parent_user_id, owner.user_id);
    assert.equal(reply.message.reply_count, undefined);
    replies.push(reply);
  }

  const top = (await history(bob, channel)).messages;
  assert.deepEqual(
    top.map((m) => m.ts),
    [parent.ts],
  );
  const summary = top[0];
  assert.equal(summary.thread_ts, parent.ts);
  assert.equal(summary.reply_count, 3);
  assert.deepEqual(summary.reply_users, [alice.user_id, bob.user_id]);
  assert.equal(summary.reply_users_count, 2);
  assert.equal(summary.latest_reply, replies[2].ts);

  const thread = await ok('conversations.replies', bob, { channel, ts: parent.ts });
  assert.deepEqual(
    thread.messages.map((m) => m.ts),
    [parent.ts, ...replies.map((r) => r.ts)],
  );
  assert.equal(thread.has_more, false);
  assert.equal(thread.response_metadata.next_cursor, '');
  assert.equal(thread.messages[1].parent_user_id, owner.user_id);
  assert.equal(thread.messages[0].parent_user_id, undefined);

  // A reply's ts names the same thread; a message without replies is a thread of one.
  const viaReply = await ok('conversations.replies', bob, { channel, ts: replies[1].ts });
  assert.deepEqual(
    viaReply.messages.map((m) => m.ts),
    thread.messages.map((m) => m.ts),
  );
  const lonely = await post(owner, channel, 'nobody answers');
  const single = await ok('conversations.replies', bob, { channel, ts: lonely.ts });
  assert.deepEqual(
    single.messages.map((m) => m.ts),
    [lonely.ts],
  );

  // Paging a thread: two at a time, each once, in order.
  const paged = [];
  let cursor;
  do {
    const page = await ok('conversations.replies', bob, {
      channel,
      ts: parent.ts,
      limit: 2,
      cursor,
    });
    assert.ok(page.messages.length <= 2);
    paged.push(...page.messages.map((m) => m.ts));
    cursor = page.response_metadata.next_cursor;
    assert.equal(page.has_more, cursor !== '');
  } while (cursor);
  assert.deepEqual(
    paged,
    thread.messages.map((m) => m.ts),
  );

  // Errors.
  await fails(
    'chat.postMessage',
    alice,
    { channel, text: 'x', thread_ts: replies[0].ts },
    'thread_not_found',
  );
  await fails(
    'chat.postMessage',
    alice,
    { channel, text: 'x', thread_ts: '1000000000.000001' },
    'thread_not_found',
  );
  await fails(
    'chat.postMessage',
    alice,
    { channel, text: 'x', thread_ts: 'yesterday' },
    'invalid_ts',
  );
  await fails(
    'conversations.replies',
    bob,
    { channel, ts: '1000000000.000001' },
    'thread_not_found',
  );
  await fails('conversations.replies', bob, { channel }, 'thread_not_found');
  await fails('conversations.replies', bob, { channel, ts: '12.34.56' }, 'invalid_ts');
  await fails(
    'conversations.replies',
    bob,
    { channel, ts: parent.ts, cursor: 'garbage!' },
    'invalid_cursor',
  );
});

test('reply_broadcast: the reply shows in history as a thread_broadcast', async () => {
  const channel = await makeChannel();
  const parent = await post(owner, channel, 'parent');
  const quiet = await post(alice, channel, 'quiet', { thread_ts: parent.ts });
  const loud = await post(alice, channel, 'loud', { thread_ts: parent.ts, reply_broadcast: true });
  assert.equal(loud.message.subtype, 'thread_broadcast');

  const top = (await history(bob, channel)).messages;
  assert.deepEqual(
    top.map((m) => m.ts),
    [loud.ts, parent.ts],
  );
  assert.equal(top[0].thread_ts, parent.ts);
  assert.equal(top[1].reply_count, 2);
  const thread = await ok('conversations.replies', bob, { channel, ts: parent.ts });
  assert.deepEqual(
    thread.messages.map((m) => m.ts),
    [parent.ts, quiet.ts, loud.ts],
  );
});

// ---- chat.update, chat.delete, tombstones -------------------------------------------------

test('chat.update: the author edits; edited is set; errors', async () => {
  const channel = await makeChannel();
  const posted = await post(alice, channel, 'teh typo');
  const updated = await ok('chat.update', alice, { channel, ts: posted.ts, text: 'the typo' });
  assert.equal(updated.channel, channel);
  assert.equal(updated.ts, posted.ts);
  assert.equal(updated.text, 'the typo');
  assert.equal(updated.message.text, 'the typo');
  assert.equal(updated.message.edited.user, alice.user_id);
  assert.match(updated.message.edited.ts, kTsPattern);

  const found = (await history(bob, channel)).messages.find((m) => m.ts === posted.ts);
  assert.equal(found.text, 'the typo');
  assert.equal(found.edited.user, alice.user_id);

  // Blocks alone may replace the text.
  const blocks = [{ type: 'divider' }];
  const withBlocks = await ok('chat.update', alice, {
    channel,
    ts: posted.ts,
    text: '',
    blocks: JSON.stringify(blocks),
  });
  assert.deepEqual(withBlocks.message.blocks, blocks);

  await fails(
    'chat.update',
    bob,
    { channel, ts: posted.ts, text: 'hijack' },
    'cant_update_message',
  );
  await fails(
    'chat.update',
    owner,
    { channel, ts: posted.ts, text: 'even the owner' },
    'cant_update_message',
  );
  await fails(
    'chat.update',
    alice,
    { channel, ts: '1000000000.000001', text: 'x' },
    'message_not_found',
  );
  await fails('chat.update', alice, { channel, text: 'x' }, 'message_not_found');
  await fails('chat.update', alice, { channel, ts: 'nope', text: 'x' }, 'invalid_ts');
  await fails('chat.update', alice, { channel, ts: posted.ts }, 'no_text');
  await fails('chat.update', alice, { channel, ts: posted.ts, text: '', blocks: '[]' }, 'no_text');
  await fails(
    'chat.update',
    alice,
    { channel, ts: posted.ts, text: 'é'.repeat(40_001) },
    'msg_too_long',
  );
  await fails(
    'chat.update',
    alice,
    { channel, ts: posted.ts, text: 'x', blocks: '{}' },
    'invalid_blocks',
  );
  await fails(
    'chat.update',
    alice,
    { channel: 'C0000000000', ts: posted.ts, text: 'x' },
    'channel_not_found',
  );
});

test('chat.delete: author, admin or owner; others cant_delete_message', async () => {
  const channel = await makeChannel();
  const posted = await post(alice, channel, 'regrettable');
  await fails('chat.delete', bob, { channel, ts: posted.ts }, 'cant_delete_message');
  const deleted = await ok('chat.delete', alice, { channel, ts: posted.ts });
  assert.deepEqual({ channel: deleted.channel, ts: deleted.ts }, { channel, ts: posted.ts });
  assert.ok(!(await history(bob, channel)).messages.some((m) => m.ts === posted.ts));
  await fails('chat.delete', alice, { channel, ts: posted.ts }, 'message_not_found');
  await fails('chat.delete', alice, { channel, ts: 'x.y' }, 'invalid_ts');

  // The workspace owner may delete anyone's message.
  const other = await post(bob, channel, 'moderate me');
  await ok('chat.delete', owner, { channel, ts: other.ts });
  await fails('chat.update', bob, { channel, ts: other.ts, text: 'x' }, 'message_not_found');
});

test('deleting a thread parent leaves a tombstone until its last reply goes', async () => {
  const channel = await makeChannel();
  const parent = await post(alice, channel, 'parent to delete');
  const r1 = await post(bob, channel, 'r1', { thread_ts: parent.ts });
  const r2 = await post(owner, channel, 'r2', { thread_ts: parent.ts });
  await ok('reactions.add', bob, { channel, timestamp: parent.ts, name: 'eyes' });

  await ok('chat.delete', alice, { channel, ts: parent.ts });
  let top = (await history(bob, channel)).messages;
  assert.equal(top.length, 1);
  assert.equal(top[0].ts, parent.ts);
  assert.equal(top[0].subtype, 'tombstone');
  assert.equal(top[0].text, 'This message was deleted.');
  assert.equal(top[0].reply_count, 2);
  assert.equal(top[0].reactions, undefined);
  assert.equal(JSON.stringify(top[0]).includes('parent to delete'), false);

  const thread = await ok('conversations.replies', bob, { channel, ts: parent.ts });
  assert.deepEqual(
    thread.messages.map((m) => m.ts),
    [parent.ts, r1.ts, r2.ts],
  );
  await fails('chat.delete', alice, { channel, ts: parent.ts }, 'message_not_found');
  await fails(
    'reactions.add',
    bob,
    { channel, timestamp: parent.ts, name: 'eyes' },
    'message_not_found',
  );

  // Deleting a reply updates the summary; deleting the last one removes the tombstone.
  await ok('chat.delete', owner, { channel, ts: r2.ts });
  top = (await history(bob, channel)).messages;
  assert.equal(top[0].reply_count, 1);
  assert.deepEqual(top[0].reply_users, [bob.user_id]);
  assert.equal(top[0].latest_reply, r1.ts);
  await ok('chat.delete', bob, { channel, ts: r1.ts });
  assert.deepEqual((await history(bob, channel)).messages, []);
  await fails('conversations.replies', bob, { channel, ts: parent.ts }, 'thread_not_found');
});

test('a parent whose replies are all deleted is an ordinary message again', async () => {
  const channel = await makeChannel();
  const parent = await post(alice, channel, 'parent stays');
  const reply = await post(bob, channel, 'only reply', { thread_ts: parent.ts });
  await ok('chat.delete', bob, { channel, ts: reply.ts });
  const [top] = (await history(bob, channel)).messages;
  assert.equal(top.ts, parent.ts);
  assert.equal(top.text, 'parent stays');
  assert.equal(top.thread_ts, undefined);
  assert.equal(top.reply_count, undefined);
});

// ---- chat.meMessage, chat.getPermalink ----------------------------------------------------

test('chat.meMessage posts a me_message', async () => {
  const channel = await makeChannel();
  const me = await ok('chat.meMessage', bob, { channel, text: 'waves' });
  assert.equal(me.channel, channel);
  assert.match(me.ts, kTsPattern);
  const found = (await history(alice, channel)).messages.find((m) => m.ts === me.ts);
  assert.equal(found.subtype, 'me_message');
  assert.equal(found.text, 'waves');
  await fails('chat.meMessage', bob, { channel, text: '' }, 'no_text');
  await fails(
    'chat.meMessage',
    owner,
    { channel: general, text: 'x'.repeat(40_001) },
    'msg_too_long',
  );
});

test('chat.getPermalink for messages and replies, only where visible', async () => {
  const channel = await makeChannel();
  const parent = await post(alice, channel, 'link me');
  const reply = await post(bob, channel, 'reply', { thread_ts: parent.ts });

  const link = await ok('chat.getPermalink', bob, { channel, message_ts: parent.ts });
  assert.equal(link.channel, channel);
  assert.match(
    link.permalink,
    new RegExp(`^https?://[^/]+/archives/${channel}/p${parent.ts.replace('.', '')}$`),
  );
  const replyLink = await ok('chat.getPermalink', bob, { channel, message_ts: reply.ts });
  assert.ok(
    replyLink.permalink.endsWith(
      `/archives/${channel}/p${reply.ts.replace('.', '')}?thread_ts=${parent.ts}&cid=${channel}`,
    ),
    replyLink.permalink,
  );

  await fails(
    'chat.getPermalink',
    bob,
    { channel, message_ts: '1000000000.000001' },
    'message_not_found',
  );
  await fails('chat.getPermalink', bob, { channel, message_ts: 'soon' }, 'invalid_ts');
  const secret = await makeChannel({ isPrivate: true, members: [alice] });
  const hidden = await post(alice, secret, 'hidden');
  await fails(
    'chat.getPermalink',
    bob,
    { channel: secret, message_ts: hidden.ts },
    'channel_not_found',
  );
});

// ---- reactions.* ----------------------------------------------------------------------------

test('reactions.add, get and remove, with their errors', async () => {
  const channel = await makeChannel({ members: [alice] });
  const { ts: timestamp } = await post(alice, channel, 'react to me');

  await ok('reactions.add', alice, { channel, timestamp, name: 'thumbsup' });
  await ok('reactions.add', owner, { channel, timestamp, name: 'thumbsup' });
  await ok('reactions.add', owner, { channel, timestamp, name: '+1::skin-tone-3' });
  await fails('reactions.add', alice, { channel, timestamp, name: 'thumbsup' }, 'already_reacted');

  const got = await ok('reactions.get', bob, { channel, timestamp }); // Bob may read, not react.
  assert.equal(got.type, 'message');
  assert.equal(got.channel, channel);
  assert.equal(got.message.ts, timestamp);
  assert.deepEqual(got.message.reactions, [
    { name: 'thumbsup', users: [alice.user_id, owner.user_id], count: 2 },
    { name: '+1::skin-tone-3', users: [owner.user_id], count: 1 },
  ]);

  await fails('reactions.add', bob, { channel, timestamp, name: 'thumbsup' }, 'not_in_channel');
  for (const name of [
    ':thumbsup:',
    'not an emoji',
    'x'.repeat(101),
    '',
    'smile::skin-tone-9',
    'ü',
  ]) {
    await fails('reactions.add', alice, { channel, timestamp, name }, 'invalid_name');
  }
  await fails(
    'reactions.add',
    alice,
    { channel, timestamp: '1000000000.000001', name: 'tada' },
    'message_not_found',
  );
  await fails('reactions.add', alice, { channel, name: 'tada' }, 'no_item_specified');
  await fails('reactions.add', alice, { channel, timestamp: 'later', name: 'tada' }, 'invalid_ts');
  await fails(
    'reactions.add',
    alice,
    { channel: 'C0000000000', timestamp, name: 'tada' },
    'channel_not_found',
  );

  await ok('reactions.remove', alice, { channel, timestamp, name: 'thumbsup' });
  await fails('reactions.remove', alice, { channel, timestamp, name: 'thumbsup' }, 'no_reaction');
  await fails('reactions.remove', alice, { channel, timestamp, name: 'tada' }, 'no_reaction');
  const after = await ok('reactions.get', alice, { channel, timestamp });
  assert.deepEqual(after.message.reactions[0], {
    name: 'thumbsup',
    users: [owner.user_id],
    count: 1,
  });
  const inHistory = (await history(alice, channel)).messages.find((m) => m.ts === timestamp);
  assert.equal(inHistory.reactions.length, 2);

  await fails(
    'reactions.get',
    alice,
    { channel, timestamp: '1000000000.000001' },
    'message_not_found',
  );
  await ok('conversations.archive', owner, { channel });
  await fails('reactions.add', alice, { channel, timestamp, name: 'tada' }, 'is_archived');
  await fails('reactions.remove', owner, { channel, timestamp, name: 'thumbsup' }, 'is_archived');
});

// ---- pins.* ---------------------------------------------------------------------------------

test('pins.add, list and remove, with their errors', async () => {
  const channel = await makeChannel({ members: [alice] });
  const first = await post(alice, channel, 'pin me first');
  const second = await post(alice, channel, 'pin me second');

  await ok('pins.add', alice, { channel, timestamp: first.ts });
  await ok('pins.add', owner, { channel, timestamp: second.ts });
  await fails('pins.add', alice, { channel, timestamp: first.ts }, 'already_pinned');
  await fails('pins.add', bob, { channel, timestamp: first.ts }, 'not_in_channel');
  await fails('pins.add', alice, { channel, timestamp: '1000000000.000001' }, 'message_not_found');
  await fails('pins.add', alice, { channel }, 'no_item_specified');

  const listed = await ok('pins.list', bob, { channel });
  assert.equal(listed.items.length, 2);
  for (const item of listed.items) {
    assert.equal(item.type, 'message');
    assert.equal(item.channel, channel);
    assert.deepEqual(item.message.pinned_to, [channel]);
  }
  assert.deepEqual(listed.items.map((i) => i.message.ts).sort(), [first.ts, second.ts].sort());
  const inHistory = (await history(bob, channel)).messages.find((m) => m.ts === first.ts);
  assert.deepEqual(inHistory.pinned_to, [channel]);

  await ok('pins.remove', alice, { channel, timestamp: first.ts });
  await fails('pins.remove', alice, { channel, timestamp: first.ts }, 'no_pin');
  assert.deepEqual(
    (await ok('pins.list', bob, { channel })).items.map((i) => i.message.ts),
    [second.ts],
  );

  // Deleting a pinned message unpins it.
  await ok('chat.delete', alice, { channel, ts: second.ts });
  assert.deepEqual((await ok('pins.list', bob, { channel })).items, []);
  await fails('pins.list', bob, { channel: 'C0000000000' }, 'channel_not_found');
});

// ---- conversations.history ------------------------------------------------------------------

test('history: 250 messages in pages of 100, each exactly once, newest first', async () => {
  const channel = await makeChannel();
  const posted = [];
  for (let i = 0; i < 250; i++) {
    posted.push((await post(i % 2 ? alice : bob, channel, `bulk ${i}`)).ts);
  }

  const sizes = [];
  const seen = [];
  let cursor;
  do {
    const page = await history(owner, channel, { limit: 100, cursor });
    sizes.push(page.messages.length);
    seen.push(...page.messages.map((m) => m.ts));
    cursor = page.response_metadata.next_cursor;
  } while (cursor);
  assert.deepEqual(sizes, [100, 100, 50]);
  assert.deepEqual(seen, [...posted].reverse());

  // @slack/web-api's paginate() follows the same cursors and stops at the end.
  const client = new WebClient(owner.token, {
    slackApiUrl: `${server.url}/api/`,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
  });
  const viaSdk = [];
  for await (const page of client.paginate('conversations.history', { channel, limit: 100 })) {
    viaSdk.push(...page.messages.map((m) => m.ts));
  }
  assert.deepEqual(viaSdk, seen);
});

test('history: oldest, latest, inclusive, limit and cursor rules', async () => {
  const channel = await makeChannel();
  const ts = [];
  for (let i = 0; i < 6; i++) ts.push((await post(alice, channel, `m${i}`)).ts);
  const tsOf = (page) => page.messages.map((m) => m.ts);

  assert.deepEqual(tsOf(await history(bob, channel, { oldest: ts[1], latest: ts[4] })), [
    ts[3],
    ts[2],
  ]);
  assert.deepEqual(
    tsOf(await history(bob, channel, { oldest: ts[1], latest: ts[4], inclusive: true })),
    [ts[4], ts[3], ts[2], ts[1]],
  );
  assert.deepEqual(tsOf(await history(bob, channel, { oldest: ts[4] })), [ts[5]]);
  assert.deepEqual(tsOf(await history(bob, channel, { latest: ts[1] })), [ts[0]]);
  assert.deepEqual(tsOf(await history(bob, channel, { latest: ts[0] })), []);
  assert.deepEqual(tsOf(await history(bob, channel, { oldest: ts[5], latest: ts[0] })), []);

  // A cursor keeps going below the last page, still inside oldest (inclusive applies there).
  const first = await history(bob, channel, { oldest: ts[1], inclusive: true, limit: 2 });
  assert.deepEqual(tsOf(first), [ts[5], ts[4]]);
  assert.equal(first.has_more, true);
  const second = await history(bob, channel, {
    oldest: ts[1],
    inclusive: true,
    limit: 2,
    cursor: first.response_metadata.next_cursor,
  });
  assert.deepEqual(tsOf(second), [ts[3], ts[2]]);
  const third = await history(bob, channel, {
    oldest: ts[1],
    inclusive: true,
    limit: 2,
    cursor: second.response_metadata.next_cursor,
  });
  assert.deepEqual(tsOf(third), [ts[1]]);
  assert.equal(third.has_more, false);
  assert.equal(third.response_metadata.next_cursor, '');

  // Limits: default 100, larger values clamped to 1000, non-numbers refused.
  assert.equal((await history(bob, channel, { limit: 5000 })).messages.length, 6);
  assert.equal((await history(bob, channel, { limit: 0 })).messages.length, 6);
  await fails('conversations.history', bob, { channel, limit: 'many' }, 'invalid_limit');
  await fails('conversations.history', bob, { channel, limit: -1 }, 'invalid_limit');
  await fails(
    'conversations.history',
    bob,
    { channel, cursor: 'bm90IGEgY3Vyc29y' },
    'invalid_cursor',
  );
  await fails('conversations.history', bob, { channel, cursor: '%%%' }, 'invalid_cursor');
  await fails('conversations.history', bob, { channel, oldest: 'dawn' }, 'invalid_ts_oldest');
  await fails('conversations.history', bob, { channel, latest: '-5' }, 'invalid_ts_latest');
});

test('history and replies: who may read what', async () => {
  const secret = await makeChannel({ isPrivate: true, members: [alice] });
  const parent = await post(alice, secret, 'secret parent');
  await post(owner, secret, 'secret reply', { thread_ts: parent.ts });

  // Members read; a non-member of a private channel learns nothing.
  assert.equal((await history(alice, secret)).messages.length, 1);
  await fails('conversations.history', bob, { channel: secret }, 'channel_not_found');
  await fails(
    'conversations.replies',
    bob,
    { channel: secret, ts: parent.ts },
    'channel_not_found',
  );
  await fails('reactions.get', bob, { channel: secret, timestamp: parent.ts }, 'channel_not_found');
  await fails('pins.list', bob, { channel: secret }, 'channel_not_found');
  await fails('chat.postMessage', bob, { channel: secret, text: 'x' }, 'channel_not_found');
  await fails('chat.delete', bob, { channel: secret, ts: parent.ts }, 'channel_not_found');

  // A public channel can be read by any member of the workspace, joined or not.
  const open = await makeChannel({ members: [] });
  await post(owner, open, 'public words');
  assert.equal((await history(bob, open)).messages[0].text, 'public words');

  // Guests read only what they belong to, not even general.
  await fails('conversations.history', guest, { channel: general }, 'channel_not_found');
  await fails('conversations.history', guest, { channel: open }, 'channel_not_found');
  await fails('chat.postMessage', guest, { channel: open, text: 'x' }, 'channel_not_found');
  const guestRoom = await makeChannel({ isPrivate: true, members: [guest] });
  const fromGuest = await post(guest, guestRoom, 'hello from a guest');
  assert.equal((await history(owner, guestRoom)).messages[0].ts, fromGuest.ts);

  // Another workspace sees nothing at all.
  const stranger = { token: outsider.token };
  await fails('conversations.history', stranger, { channel: general }, 'channel_not_found');
  await fails('conversations.history', stranger, { channel: open }, 'channel_not_found');
  await fails(
    'conversations.replies',
    stranger,
    { channel: secret, ts: parent.ts },
    'channel_not_found',
  );
  await fails('chat.postMessage', stranger, { channel: general, text: 'x' }, 'channel_not_found');
  await fails(
    'reactions.add',
    stranger,
    { channel: open, timestamp: parent.ts, name: 'x' },
    'channel_not_found',
  );
  await fails('pins.list', stranger, { channel: open }, 'channel_not_found');
  await fails(
    'chat.getPermalink',
    stranger,
    { channel: general, message_ts: parent.ts },
    'channel_not_found',
  );
});

// ---- conversations.mark, unread counts, mentions ------------------------------------------

test('conversations.mark sets the read position; members only', async () => {
  const channel = await makeChannel({ members: [alice] });
  const posted = await post(owner, channel, 'read me');
  await ok('conversations.mark', alice, { channel, ts: posted.ts });
  await fails('conversations.mark', bob, { channel, ts: posted.ts }, 'not_in_channel');
  await fails('conversations.mark', alice, { channel, ts: 'now' }, 'invalid_ts');
  await fails('conversations.mark', alice, { channel }, 'invalid_ts');
  await fails(
    'conversations.mark',
    alice,
    { channel: 'C0000000000', ts: posted.ts },
    'channel_not_found',
  );

  const info = await ok('conversations.info', alice, { channel });
  if (info.channel.last_read !== undefined) {
    assert.equal(info.channel.last_read, posted.ts);
  }
});

test('mentions are parsed and counted as unread mentions', async () => {
  const channel = await makeChannel();
  const start = await post(owner, channel, 'start');
  await ok('conversations.mark', alice, { channel, ts: start.ts });
  await post(owner, channel, `hey <@${alice.user_id}> and <@${alice.user_id}|alice> again`);
  await post(owner, channel, `<@${bob.user_id}> only`);
  await post(owner, channel, '<!here> everybody');
  await post(alice, channel, '<!channel> from alice herself');
  await post(owner, channel, 'nothing to see');
  const reply = await post(bob, channel, `thread <@${alice.user_id}>`, { thread_ts: start.ts });

  const info = await ok('conversations.info', alice, { channel });
  // Unread: the four top-level messages not by alice. Mentions: the direct one, the @here,
  // and the one in a thread.
  assert.equal(info.channel.unread_count, 4);
  assert.equal(info.channel.mention_count, 3);

  // A read position covers everything up to it, thread replies included.
  const latest = (await ok('conversations.history', alice, { channel, limit: 1 })).messages[0];
  await ok('conversations.mark', alice, { channel, ts: latest.ts });
  const partly = await ok('conversations.info', alice, { channel });
  assert.equal(partly.channel.unread_count, 0);
  assert.equal(partly.channel.mention_count, 1, 'the later thread reply still mentions alice');
  await ok('conversations.mark', alice, { channel, ts: reply.ts });
  const read = await ok('conversations.info', alice, { channel });
  assert.equal(read.channel.mention_count, 0);
  assert.equal(read.channel.last_read, reply.ts);
});
