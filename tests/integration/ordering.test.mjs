// Message order under concurrency: many posters writing into one channel at once. Every
// post's ts must be unique, history must return every message exactly once in ts order, and
// no ts a post returned may be missing (ts order is commit order within a conversation).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWithTeam } from '../lib/server.mjs';

const kPosters = 8;
const kMessagesEach = 500;

let server, owner, members, channel;

before(async () => {
  ({ server, owner, members } = await startWithTeam({ members: kPosters - 1 }));
  const created = await server.api('conversations.create', owner.token, { name: 'ordering' });
  assert.equal(created.ok, true, JSON.stringify(created));
  channel = created.channel.id;
  const invited = await server.api('conversations.invite', owner.token, {
    channel,
    users: members.map((m) => m.user_id).join(','),
  });
  assert.equal(invited.ok, true, JSON.stringify(invited));
});

after(async () => {
  await server.stop();
  server.cleanup();
});

// Slack timestamps compare as numbers; as text only when they have the same width.
function tsCompare(a, b) {
  const [as, af] = a.split('.').map(BigInt);
  const [bs, bf] = b.split('.').map(BigInt);
  if (as !== bs) return as < bs ? -1 : 1;
  if (af !== bf) return af < bf ? -1 : 1;
  return 0;
}

test(`${kPosters} concurrent posters x ${kMessagesEach} messages: each once, strictly increasing ts`, async () => {
  const posters = [owner, ...members];
  const returned = [];
  await Promise.all(
    posters.map(async (poster, p) => {
      for (let i = 0; i < kMessagesEach; i++) {
        const posted = await server.api('chat.postMessage', poster.token, {
          channel,
          text: `poster ${p} message ${i}`,
        });
        assert.equal(posted.ok, true, JSON.stringify(posted));
        returned.push(posted.ts);
      }
    }),
  );
  const total = kPosters * kMessagesEach;
  assert.equal(returned.length, total);
  assert.equal(new Set(returned).size, total, 'two posts were given the same ts');

  // Read everything back, newest first, in pages.
  const seen = [];
  let cursor;
  do {
    const page = await server.api('conversations.history', owner.token, {
      channel,
      limit: 1000,
      cursor,
    });
    assert.equal(page.ok, true, JSON.stringify(page));
    seen.push(...page.messages);
    cursor = page.response_metadata.next_cursor;
  } while (cursor);

  assert.equal(seen.length, total);
  const oldestFirst = seen.map((m) => m.ts).reverse();
  for (let i = 1; i < oldestFirst.length; i++) {
    assert.ok(
      tsCompare(oldestFirst[i - 1], oldestFirst[i]) < 0,
      `ts not strictly increasing at ${i}: ${oldestFirst[i - 1]} then ${oldestFirst[i]}`,
    );
  }
  const inHistory = new Set(oldestFirst);
  for (const ts of returned) {
    assert.ok(inHistory.has(ts), `posted ts ${ts} missing from history`);
  }

  // Each poster's own messages appear in the order that poster sent them.
  for (let p = 0; p < kPosters; p++) {
    const mine = [...seen].reverse().filter((m) => m.text.startsWith(`poster ${p} `));
    assert.equal(mine.length, kMessagesEach);
    mine.forEach((m, i) => assert.equal(m.text, `poster ${p} message ${i}`));
  }
});
