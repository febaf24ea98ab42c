// Slack's own RTMClient (@slack/rtm-api, as published on npm) against a running Parley.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RTMClient, LogLevel } from '@slack/rtm-api';
import { startWithTeam } from '../lib/server.mjs';

let server, owner, alice, general;

before(async () => {
  const team = await startWithTeam({ members: 1 });
  ({ server, owner } = team);
  [alice] = team.members;
  general = (await server.api('conversations.list', owner.token)).channels.find(
    (c) => c.is_general,
  ).id;
});

after(async () => {
  await server.stop();
  server.cleanup();
});

test('RTMClient connects, receives a message event and sends one', async () => {
  const rtm = new RTMClient(alice.token, {
    slackApiUrl: `${server.url}/api/`,
    logLevel: LogLevel.ERROR,
    autoReconnect: false,
  });
  const ready = new Promise((resolve) => rtm.once('ready', resolve));
  const started = await rtm.start();
  assert.equal(started.self.id, alice.user_id);
  await ready;
  assert.equal(rtm.connected, true);

  const received = new Promise((resolve) =>
    rtm.on('message', (event) => {
      if (event.text === 'hello over RTM') resolve(event);
    }),
  );
  await server.api('chat.postMessage', owner.token, { channel: general, text: 'hello over RTM' });
  const event = await received;
  assert.equal(event.channel, general);
  assert.equal(event.user, owner.user_id);

  const reply = await rtm.sendMessage('sent through RTMClient', general);
  assert.equal(reply.ok, true);
  assert.ok(reply.ts);
  const history = await server.api('conversations.history', owner.token, {
    channel: general,
    limit: 1,
  });
  assert.equal(history.messages[0].text, 'sent through RTMClient');
  assert.equal(history.messages[0].user, alice.user_id);
  assert.equal(history.messages[0].ts, reply.ts);

  await assert.rejects(
    rtm.sendMessage('nowhere', 'C0000000000'),
    (e) =>
      e.code === 'slack_rtmapi_send_message_platform_error' &&
      e.data.error.msg === 'channel_not_found',
  );
  // @slack/rtm-api 7.0.4 keeps awaited replies in an array indexed by message id, and its
  // disconnect path calls cancel() on every slot, holes included, which throws. Empty it
  // first: every reply has arrived by now anyway.
  rtm.awaitingReplyList = [];
  await rtm.disconnect();
});
