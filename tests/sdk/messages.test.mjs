// Slack SDK compatibility: messages. chat.*, reactions.*, pins.*, conversations.history and
// conversations.replies (threads, blocks, cursor pagination), through the official
// @slack/web-api WebClient exactly as a Slack app would use it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWithTeam } from '../lib/server.mjs';
import { sdkClient, failsWith } from '../lib/sdk.mjs';

const kTsPattern = /^\d{10}\.\d{6}$/;
const kMissingTs = '1000000000.000001'; // Well formed, older than any message.

let server;
let owner;
let members;

function client(token) {
  return sdkClient(server, token);
}

// Slack timestamps compare as numbers; as text only when they have the same width.
function tsCompare(a, b) {
  const [as, af] = a.split('.').map(BigInt);
  const [bs, bf] = b.split('.').map(BigInt);
  if (as !== bs) return as < bs ? -1 : 1;
  if (af !== bf) return af < bf ? -1 : 1;
  return 0;
}

let channelCounter = 0;
// A public channel made by the owner with every member invited.
async function sharedChannel() {
  channelCounter += 1;
  const { channel } = await client(owner.token).conversations.create({
    name: `msgs-${channelCounter}`,
  });
  const users = members.map((m) => m.user_id).join(',');
  await client(owner.token).conversations.invite({ channel: channel.id, users });
  return channel.id;
}

async function history(token, channel, args = {}) {
  return client(token).conversations.history({ channel, ...args });
}

before(async () => {
  ({ server, owner, members } = await startWithTeam({ members: 3 }));
});

after(async () => {
  await server.stop();
  server.cleanup();
});

test('chat.postMessage posts and returns the message; history shows it', async () => {
  const channel = await sharedChannel();
  const posted = await client(members[0].token).chat.postMessage({
    channel,
    text: 'Hello, *world*',
  });
  assert.equal(posted.ok, true);
  assert.equal(posted.channel, channel);
  assert.match(posted.ts, kTsPattern);
  assert.equal(posted.message.type, 'message');
  assert.equal(posted.message.text, 'Hello, *world*');
  assert.equal(posted.message.user, members[0].user_id);
  assert.equal(posted.message.ts, posted.ts);

  const read = await history(members[1].token, channel);
  assert.equal(read.ok, true);
  assert.equal(read.has_more, false);
  const found = read.messages.find((m) => m.ts === posted.ts);
  assert.ok(found, 'posted message not in history');
  assert.equal(found.type, 'message');
  assert.equal(found.user, members[0].user_id);
  assert.equal(found.text, 'Hello, *world*');
});

test('text survives the form encoding: unicode, markup characters, newlines', async () => {
  const channel = await sharedChannel();
  const text = 'héllo 👋 日本語\nsecond line & <@' + members[0].user_id + '> 100% + "quotes" = ok';
  const posted = await client(owner.token).chat.postMessage({ channel, text });
  assert.equal(posted.message.text, text);
  const found = (await history(members[0].token, channel)).messages.find((m) => m.ts === posted.ts);
  assert.equal(found.text, text);
});

test("a public channel's history is readable by a member of the workspace who has not joined", async () => {
  const { channel } = await client(owner.token).conversations.create({ name: 'open-reading' });
  const posted = await client(owner.token).chat.postMessage({
    channel: channel.id,
    text: 'for all eyes',
  });
  const read = await history(members[0].token, channel.id);
  assert.ok(read.messages.some((m) => m.ts === posted.ts));
});

test('chat.postMessage to a user id lands in the DM with that user', async () => {
  const posted = await client(owner.token).chat.postMessage({
    channel: members[2].user_id,
    text: 'psst',
  });
  assert.match(posted.channel, /^D/);
  const opened = await client(members[2].token).conversations.open({ users: owner.user_id });
  assert.equal(opened.channel.id, posted.channel);
  const read = await history(members[2].token, posted.channel);
  assert.ok(read.messages.some((m) => m.ts === posted.ts && m.text === 'psst'));
});

test('chat.postMessage refuses empty messages, missing channels and outsiders', async () => {
  const channel = await sharedChannel();
  await failsWith('no_text', client(owner.token).chat.postMessage({ channel, text: '' }));
  await failsWith(
    'channel_not_found',
    client(owner.token).chat.postMessage({ channel: 'C0000000000', text: 'x' }),
  );
  await failsWith(
    'msg_too_long',
    client(owner.token).chat.postMessage({ channel, text: 'x'.repeat(40001) }),
  );

  const { channel: other } = await client(owner.token).conversations.create({ name: 'owner-only' });
  await failsWith(
    'not_in_channel',
    client(members[0].token).chat.postMessage({ channel: other.id, text: 'x' }),
  );
});

test('blocks passed as an array arrive intact and come back in history', async () => {
  const channel = await sharedChannel();
  const blocks = [
    { type: 'section', block_id: 'intro', text: { type: 'mrkdwn', text: '*Release* is out' } },
    { type: 'divider', block_id: 'split' },
    {
      type: 'context',
      block_id: 'who',
      elements: [{ type: 'mrkdwn', text: 'posted by the release bot' }],
    },
  ];
  const posted = await client(owner.token).chat.postMessage({
    channel,
    text: 'Release is out',
    blocks,
  });
  assert.ok(Array.isArray(posted.message.blocks));

  const read = await history(owner.token, channel);
  const found = read.messages.find((m) => m.ts === posted.ts);
  assert.ok(Array.isArray(found.blocks), 'blocks missing from history');
  assert.equal(found.blocks.length, 3);
  assert.equal(found.blocks[0].type, 'section');
  assert.equal(found.blocks[0].block_id, 'intro');
  assert.equal(found.blocks[0].text.type, 'mrkdwn');
  assert.equal(found.blocks[0].text.text, '*Release* is out');
  assert.equal(found.blocks[1].type, 'divider');
  assert.equal(found.blocks[2].elements[0].text, 'posted by the release bot');
  assert.equal(found.text, 'Release is out');

  // Blocks alone (no text) are a message too.
  const blocksOnly = await client(owner.token).chat.postMessage({ channel, blocks: [blocks[0]] });
  const again = (await history(owner.token, channel)).messages.find((m) => m.ts === blocksOnly.ts);
  assert.equal(again.blocks[0].block_id, 'intro');

  await failsWith(
    'invalid_blocks',
    client(owner.token).chat.postMessage({ channel, text: 'x', blocks: '{"not":"an array"}' }),
  );
});

test("chat.update edits the author's message; others get cant_update_message", async () => {
  const channel = await sharedChannel();
  const posted = await client(members[0].token).chat.postMessage({ channel, text: 'teh typo' });

  const updated = await client(members[0].token).chat.update({
    channel,
    ts: posted.ts,
    text: 'the typo',
  });
  assert.equal(updated.ok, true);
  assert.equal(updated.channel, channel);
  assert.equal(updated.ts, posted.ts);
  assert.equal(updated.text, 'the typo');
  assert.equal(updated.message.text, 'the typo');

  const found = (await history(owner.token, channel)).messages.find((m) => m.ts === posted.ts);
  assert.equal(found.text, 'the typo');
  assert.equal(found.edited.user, members[0].user_id);
  assert.match(found.edited.ts, kTsPattern);

  await failsWith(
    'cant_update_message',
    client(members[1].token).chat.update({ channel, ts: posted.ts, text: 'hijack' }),
  );
  await failsWith(
    'message_not_found',
    client(members[0].token).chat.update({ channel, ts: kMissingTs, text: 'x' }),
  );
});

test('chat.delete removes a message from history', async () => {
  const channel = await sharedChannel();
  const posted = await client(members[0].token).chat.postMessage({ channel, text: 'regrettable' });
  await failsWith(
    'cant_delete_message',
    client(members[1].token).chat.delete({ channel, ts: posted.ts }),
  );

  const deleted = await client(members[0].token).chat.delete({ channel, ts: posted.ts });
  assert.equal(deleted.ok, true);
  assert.equal(deleted.channel, channel);
  assert.equal(deleted.ts, posted.ts);

  const read = await history(owner.token, channel);
  assert.ok(!read.messages.some((m) => m.ts === posted.ts), 'deleted message still in history');
  await failsWith(
    'message_not_found',
    client(members[0].token).chat.delete({ channel, ts: posted.ts }),
  );
});

test('chat.getPermalink links to the message', async () => {
  const channel = await sharedChannel();
  const posted = await client(owner.token).chat.postMessage({ channel, text: 'link me' });
  const link = await client(members[0].token).chat.getPermalink({ channel, message_ts: posted.ts });
  assert.equal(link.ok, true);
  assert.equal(link.channel, channel);
  assert.match(link.permalink, /^https?:\/\//);
  assert.ok(
    link.permalink.includes(`/archives/${channel}/p${posted.ts.replace('.', '')}`),
    link.permalink,
  );

  await failsWith(
    'message_not_found',
    client(owner.token).chat.getPermalink({ channel, message_ts: kMissingTs }),
  );
});

test('chat.meMessage posts a me_message', async () => {
  const channel = await sharedChannel();
  const me = await client(members[1].token).chat.meMessage({ channel, text: 'waves' });
  assert.equal(me.ok, true);
  assert.equal(me.channel, channel);
  assert.match(me.ts, kTsPattern);

  const found = (await history(owner.token, channel)).messages.find((m) => m.ts === me.ts);
  assert.equal(found.subtype, 'me_message');
  assert.equal(found.text, 'waves');
  assert.equal(found.user, members[1].user_id);
});

test('reactions.add, reactions.get and reactions.remove', async () => {
  const channel = await sharedChannel();
  const posted = await client(owner.token).chat.postMessage({ channel, text: 'react to me' });
  const timestamp = posted.ts;

  assert.equal(
    (await client(members[0].token).reactions.add({ channel, timestamp, name: 'thumbsup' })).ok,
    true,
  );
  await client(members[1].token).reactions.add({ channel, timestamp, name: 'thumbsup' });
  await client(members[1].token).reactions.add({ channel, timestamp, name: 'tada' });

  const got = await client(owner.token).reactions.get({ channel, timestamp });
  assert.equal(got.type, 'message');
  assert.equal(got.channel, channel);
  assert.equal(got.message.ts, timestamp);
  const thumbs = got.message.reactions.find((r) => r.name === 'thumbsup');
  assert.equal(thumbs.count, 2);
  assert.deepEqual([...thumbs.users].sort(), [members[0].user_id, members[1].user_id].sort());
  assert.equal(got.message.reactions.find((r) => r.name === 'tada').count, 1);

  await failsWith(
    'already_reacted',
    client(members[0].token).reactions.add({ channel, timestamp, name: 'thumbsup' }),
  );

  assert.equal(
    (await client(members[0].token).reactions.remove({ channel, timestamp, name: 'thumbsup' })).ok,
    true,
  );
  await failsWith(
    'no_reaction',
    client(members[0].token).reactions.remove({ channel, timestamp, name: 'thumbsup' }),
  );

  const after = await client(owner.token).reactions.get({ channel, timestamp });
  const thumbsAfter = after.message.reactions.find((r) => r.name === 'thumbsup');
  assert.equal(thumbsAfter.count, 1);
  assert.deepEqual(thumbsAfter.users, [members[1].user_id]);

  // Reactions show in history too.
  const inHistory = (await history(owner.token, channel)).messages.find((m) => m.ts === timestamp);
  assert.ok(inHistory.reactions.some((r) => r.name === 'tada' && r.count === 1));

  await failsWith(
    'message_not_found',
    client(owner.token).reactions.add({ channel, timestamp: kMissingTs, name: 'tada' }),
  );
  await failsWith(
    'invalid_name',
    client(owner.token).reactions.add({ channel, timestamp, name: 'not an emoji!' }),
  );
});

test('pins.add, pins.list and pins.remove', async () => {
  const channel = await sharedChannel();
  const first = await client(owner.token).chat.postMessage({ channel, text: 'pin me first' });
  const second = await client(owner.token).chat.postMessage({ channel, text: 'pin me second' });

  assert.equal(
    (await client(members[0].token).pins.add({ channel, timestamp: first.ts })).ok,
    true,
  );
  await client(members[0].token).pins.add({ channel, timestamp: second.ts });
  await failsWith(
    'already_pinned',
    client(members[0].token).pins.add({ channel, timestamp: first.ts }),
  );

  const listed = await client(members[1].token).pins.list({ channel });
  assert.equal(listed.items.length, 2);
  for (const item of listed.items) {
    assert.equal(item.type, 'message');
    assert.equal(item.channel, channel);
    assert.match(item.message.ts, kTsPattern);
  }
  assert.deepEqual(listed.items.map((i) => i.message.ts).sort(), [first.ts, second.ts].sort());
  assert.equal(listed.items.find((i) => i.message.ts === first.ts).message.text, 'pin me first');

  assert.equal(
    (await client(members[0].token).pins.remove({ channel, timestamp: first.ts })).ok,
    true,
  );
  await failsWith('no_pin', client(members[0].token).pins.remove({ channel, timestamp: first.ts }));
  const after = await client(members[1].token).pins.list({ channel });
  assert.deepEqual(
    after.items.map((i) => i.message.ts),
    [second.ts],
  );
});

test('pins.list items say when and by whom they were pinned', async () => {
  const channel = await sharedChannel();
  const posted = await client(owner.token).chat.postMessage({
    channel,
    text: 'pinned with metadata',
  });
  await client(members[0].token).pins.add({ channel, timestamp: posted.ts });
  const [item] = (await client(owner.token).pins.list({ channel })).items;
  assert.equal(item.created_by, members[0].user_id);
  assert.equal(typeof item.created, 'number');
  assert.ok(item.created > 0);
});

test('threads: reply_count and reply_users in history, the thread in conversations.replies', async () => {
  const channel = await sharedChannel();
  const parent = await client(owner.token).chat.postMessage({ channel, text: 'Thread parent' });
  const replyTexts = [];
  const repliers = [members[0], members[1], members[0]];
  for (const [i, person] of repliers.entries()) {
    const text = `reply ${i}`;
    const reply = await client(person.token).chat.postMessage({
      channel,
      text,
      thread_ts: parent.ts,
    });
    assert.equal(reply.message.thread_ts, parent.ts);
    replyTexts.push({ ts: reply.ts, text, user: person.user_id });
  }
  await client(owner.token).chat.postMessage({ channel, text: 'after the thread' });

  // History shows the parent with its thread summary and no replies.
  const read = await history(members[2].token, channel);
  const replyTsSet = new Set(replyTexts.map((r) => r.ts));
  assert.ok(!read.messages.some((m) => replyTsSet.has(m.ts)), 'replies leaked into history');
  const summary = read.messages.find((m) => m.ts === parent.ts);
  assert.equal(summary.thread_ts, parent.ts);
  assert.equal(summary.reply_count, 3);
  assert.deepEqual(
    [...summary.reply_users].sort(),
    [members[0].user_id, members[1].user_id].sort(),
  );
  assert.equal(summary.reply_users_count, 2);
  assert.equal(summary.latest_reply, replyTexts[2].ts);

  // The thread: parent first, then replies oldest first.
  const thread = await client(members[2].token).conversations.replies({ channel, ts: parent.ts });
  assert.equal(thread.ok, true);
  assert.equal(thread.has_more, false);
  assert.deepEqual(
    thread.messages.map((m) => m.ts),
    [parent.ts, ...replyTexts.map((r) => r.ts)],
  );
  assert.equal(thread.messages[0].text, 'Thread parent');
  assert.equal(thread.messages[0].reply_count, 3);
  for (const [i, reply] of replyTexts.entries()) {
    const m = thread.messages[i + 1];
    assert.equal(m.text, reply.text);
    assert.equal(m.user, reply.user);
    assert.equal(m.thread_ts, parent.ts);
    assert.equal(m.parent_user_id, owner.user_id);
  }

  // Naming a reply returns the same thread.
  const viaReply = await client(owner.token).conversations.replies({
    channel,
    ts: replyTexts[1].ts,
  });
  assert.equal(viaReply.messages[0].ts, parent.ts);

  // Small pages walk the thread in order.
  const paged = [];
  const pages = client(owner.token).paginate('conversations.replies', {
    channel,
    ts: parent.ts,
    limit: 1,
  });
  for await (const page of pages) {
    paged.push(...page.messages.map((m) => m.ts));
  }
  assert.deepEqual(
    paged.filter((ts, i) => paged.indexOf(ts) === i),
    [parent.ts, ...replyTexts.map((r) => r.ts)],
  );

  await failsWith(
    'thread_not_found',
    client(owner.token).chat.postMessage({ channel, text: 'x', thread_ts: kMissingTs }),
  );
});

test('deleting a thread parent keeps its replies reachable', async () => {
  const channel = await sharedChannel();
  const parent = await client(owner.token).chat.postMessage({ channel, text: 'soon gone' });
  const reply = await client(members[0].token).chat.postMessage({
    channel,
    text: 'still here',
    thread_ts: parent.ts,
  });
  await client(owner.token).chat.delete({ channel, ts: parent.ts });

  const thread = await client(members[1].token).conversations.replies({ channel, ts: parent.ts });
  const kept = thread.messages.find((m) => m.ts === reply.ts);
  assert.ok(kept, 'reply lost with its parent');
  assert.equal(kept.text, 'still here');
  const head = thread.messages.find((m) => m.ts === parent.ts);
  if (head) assert.notEqual(head.text, 'soon gone', 'deleted parent text still served');
});

test('conversations.replies on a missing thread is thread_not_found; a bad cursor is invalid_cursor', async () => {
  const channel = await sharedChannel();
  await failsWith(
    'thread_not_found',
    client(owner.token).conversations.replies({ channel, ts: kMissingTs }),
  );
  await failsWith('invalid_cursor', history(owner.token, channel, { cursor: 'bm90IGEgY3Vyc29y' }));
});

test('a reply with reply_broadcast also shows in history', async () => {
  const channel = await sharedChannel();
  const parent = await client(owner.token).chat.postMessage({ channel, text: 'parent' });
  const broadcast = await client(members[0].token).chat.postMessage({
    channel,
    text: 'everyone should see this',
    thread_ts: parent.ts,
    reply_broadcast: true,
  });
  const found = (await history(owner.token, channel)).messages.find((m) => m.ts === broadcast.ts);
  assert.ok(found, 'broadcast reply missing from history');
  assert.equal(found.subtype, 'thread_broadcast');
  assert.equal(found.thread_ts, parent.ts);
});

test('conversations.history honours latest, oldest and inclusive', async () => {
  const channel = await sharedChannel();
  const posted = [];
  for (let i = 0; i < 5; i++)
    posted.push((await client(owner.token).chat.postMessage({ channel, text: `m${i}` })).ts);

  const exclusive = await history(owner.token, channel, { oldest: posted[1], latest: posted[3] });
  assert.deepEqual(
    exclusive.messages.map((m) => m.ts),
    [posted[2]],
  );
  const inclusive = await history(owner.token, channel, {
    oldest: posted[1],
    latest: posted[3],
    inclusive: true,
  });
  assert.deepEqual(
    inclusive.messages.map((m) => m.ts),
    [posted[3], posted[2], posted[1]],
  );

  const limited = await history(owner.token, channel, { limit: 2 });
  assert.deepEqual(
    limited.messages.map((m) => m.ts),
    [posted[4], posted[3]],
  );
  assert.equal(limited.has_more, true);
  assert.notEqual(limited.response_metadata.next_cursor, '');
});

test('conversations.history of a private channel is channel_not_found to outsiders', async () => {
  const { channel } = await client(owner.token).conversations.create({
    name: 'history-private',
    is_private: true,
  });
  await client(owner.token).chat.postMessage({ channel: channel.id, text: 'secret' });
  await failsWith('channel_not_found', history(members[0].token, channel.id));
});

test('paginate(conversations.history) over 1,000 messages: each once, newest first', async () => {
  const channel = await sharedChannel();
  const kMessages = 1000;
  const kLoops = 4;
  const posters = [owner, ...members];
  const postedTs = [];
  await Promise.all(
    Array.from({ length: kLoops }, async (_, loop) => {
      const poster = client(posters[loop % posters.length].token);
      for (let i = loop; i < kMessages; i += kLoops) {
        const posted = await poster.chat.postMessage({ channel, text: `bulk ${i}` });
        postedTs.push(posted.ts);
      }
    }),
  );
  assert.equal(new Set(postedTs).size, kMessages, 'two posts got the same ts');

  const seen = [];
  const pageSizes = [];
  for await (const page of client(members[0].token).paginate('conversations.history', {
    channel,
    limit: 200,
  })) {
    pageSizes.push(page.messages.length);
    assert.ok(page.messages.length <= 200);
    seen.push(...page.messages.map((m) => m.ts));
  }

  assert.equal(seen.length, kMessages, `saw ${seen.length} messages in pages ${pageSizes}`);
  assert.equal(new Set(seen).size, kMessages, 'a message appeared twice');
  assert.deepEqual([...seen].sort(tsCompare), [...postedTs].sort(tsCompare));
  for (let i = 1; i < seen.length; i++) {
    assert.ok(
      tsCompare(seen[i - 1], seen[i]) > 0,
      `not newest first at ${i}: ${seen[i - 1]} then ${seen[i]}`,
    );
  }
  assert.ok(pageSizes.length >= 5, `only ${pageSizes.length} pages`);
});
