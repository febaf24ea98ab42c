// The real-time gateway over real sockets: what each member sees, in which order, and what a
// client that drops off gets back when it returns.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { ParleyServer, createTeam, startWithTeam } from '../lib/server.mjs';
import { RtmTestClient } from '../lib/rtm.mjs';

const fastPresence = ['--presence-grace-ms', '300', '--presence-flush-ms', '100'];

let server, owner, alice, bob, carol, guest, general;

before(async () => {
  const team = await startWithTeam({ members: 3, guests: 1, extraArgs: fastPresence });
  ({ server, owner } = team);
  [alice, bob, carol] = team.members;
  [guest] = team.guests;
  general = (await server.api('conversations.list', owner.token)).channels.find(
    (c) => c.is_general,
  ).id;
});

after(async () => {
  await server.stop();
  server.cleanup();
});

async function ok(method, who, args) {
  const answer = await server.api(method, who.token, args);
  assert.equal(answer.ok, true, `${method}: ${answer.error}`);
  return answer;
}

async function connect(who, options) {
  const client = new RtmTestClient(server, who.token);
  await client.connect(options);
  return client;
}

async function newChannel(creator, name, { isPrivate = false, members = [] } = {}) {
  const created = await ok('conversations.create', creator, { name, is_private: isPrivate });
  if (members.length) {
    await ok('conversations.invite', creator, {
      channel: created.channel.id,
      users: members.map((m) => m.user_id).join(','),
    });
  }
  return created.channel.id;
}

describe('protocol', () => {
  test("rtm.connect answers in Slack's shape and the socket says hello first", async () => {
    const connected = await ok('rtm.connect', alice);
    assert.match(connected.url, /^ws:\/\/127\.0\.0\.1:\d+\/rtm\?ticket=/);
    assert.equal(connected.self.id, alice.user_id);
    assert.equal(connected.team.id, owner.team_id);
    const socket = new WebSocket(connected.url);
    const first = await new Promise((resolve) =>
      socket.once('message', (d) => resolve(JSON.parse(d))),
    );
    assert.equal(first.type, 'hello');
    assert.equal(typeof first.resume_cursor, 'string');
    socket.close();
  });

  test('a ticket works once, and a made-up one not at all', async () => {
    const connected = await ok('rtm.connect', alice);
    const first = new WebSocket(connected.url);
    await new Promise((resolve) => first.once('message', resolve));
    const again = new WebSocket(connected.url);
    const refused = await new Promise((resolve) =>
      again.once('unexpected-response', (_req, res) => resolve(res.statusCode)),
    );
    assert.equal(refused, 401);
    const bogus = new WebSocket(connected.url.replace(/ticket=.*/, 'ticket=nope'));
    assert.equal(
      await new Promise((resolve) =>
        bogus.once('unexpected-response', (_r, res) => resolve(res.statusCode)),
      ),
      401,
    );
    first.close();
    assert.equal((await server.api('rtm.connect', null)).error, 'not_authed');
    assert.equal(
      (await server.api('rtm.connect', alice.token, { resume_cursor: 'garbage' })).error,
      'invalid_cursor',
    );
  });

  test('ping gets pong with reply_to; unknown frames get an error reply', async () => {
    const client = await connect(alice);
    client.send({ type: 'ping', id: 7, time: 123 });
    const pong = await client.waitFor((f) => f.type === 'pong');
    assert.equal(pong.reply_to, 7);
    assert.equal(pong.time, 123);
    client.send({ type: 'teleport', id: 8 });
    const error = await client.waitFor((f) => f.reply_to === 8);
    assert.equal(error.ok, false);
    client.send('not json at all');
    await client.waitFor((f) => f.type === 'error');
    client.send({ type: 'ping', id: 9 });
    await client.waitFor((f) => f.reply_to === 9);
    await client.close();
  });
});

describe('delivery', () => {
  test("members see each other's messages, edits, deletes, reactions, pins and thread replies", async () => {
    const channel = await newChannel(alice, 'rt-basics', { members: [bob] });
    const a = await connect(alice);
    const b = await connect(bob);

    const posted = await ok('chat.postMessage', alice, { channel, text: 'hello bob' });
    const seen = await b.waitFor((f) => f.type === 'message' && f.ts === posted.ts);
    assert.equal(seen.channel, channel);
    assert.equal(seen.user, alice.user_id);
    assert.equal(seen.text, 'hello bob');
    assert.equal(typeof seen.resume_cursor, 'string');
    await a.waitFor((f) => f.type === 'message' && f.ts === posted.ts);

    await ok('chat.update', alice, { channel, ts: posted.ts, text: 'hello bob, edited' });
    const changed = await b.waitFor((f) => f.subtype === 'message_changed');
    assert.equal(changed.message.text, 'hello bob, edited');
    assert.equal(changed.message.ts, posted.ts);

    await ok('reactions.add', bob, { channel, timestamp: posted.ts, name: 'tada' });
    const reaction = await a.waitFor((f) => f.type === 'reaction_added');
    assert.equal(reaction.reaction, 'tada');
    assert.equal(reaction.user, bob.user_id);
    assert.equal(reaction.item.ts, posted.ts);
    await ok('reactions.remove', bob, { channel, timestamp: posted.ts, name: 'tada' });
    await a.waitFor((f) => f.type === 'reaction_removed');

    await ok('pins.add', bob, { channel, timestamp: posted.ts });
    await a.waitFor((f) => f.type === 'pin_added');
    await ok('pins.remove', bob, { channel, timestamp: posted.ts });
    await a.waitFor((f) => f.type === 'pin_removed');

    const reply = await ok('chat.postMessage', bob, {
      channel,
      text: 'in a thread',
      thread_ts: posted.ts,
    });
    const threaded = await a.waitFor((f) => f.type === 'message' && f.ts === reply.ts);
    assert.equal(threaded.thread_ts, posted.ts);

    const doomed = await ok('chat.postMessage', bob, { channel, text: 'to be deleted' });
    await ok('chat.delete', bob, { channel, ts: doomed.ts });
    const deleted = await a.waitFor((f) => f.subtype === 'message_deleted');
    assert.equal(deleted.deleted_ts, doomed.ts);

    for (const frame of [...a.frames, ...b.frames]) {
      if (!['pong', 'hello'].includes(frame.type) && frame.reply_to === undefined) {
        assert.equal(typeof frame.resume_cursor, 'string', `${frame.type} carries resume_cursor`);
      }
    }
    await a.close();
    await b.close();
  });

  test('joining starts delivery, leaving stops it at once', async () => {
    const channel = await newChannel(alice, 'rt-joins');
    const a = await connect(alice);
    const c = await connect(carol);

    await ok('conversations.join', carol, { channel });
    const joined = await a.waitFor(
      (f) => f.type === 'member_joined_channel' && f.user === carol.user_id,
    );
    assert.equal(joined.channel, channel);
    await c.waitFor((f) => f.type === 'member_joined_channel' && f.channel === channel);

    const during = await ok('chat.postMessage', alice, { channel, text: 'carol is here' });
    await c.waitFor((f) => f.type === 'message' && f.ts === during.ts);

    await ok('conversations.leave', carol, { channel });
    await a.waitFor((f) => f.type === 'member_left_channel' && f.user === carol.user_id);
    await c.waitFor((f) => f.type === 'member_left_channel' && f.channel === channel);
    const afterLeaving = await ok('chat.postMessage', alice, { channel, text: 'carol left' });
    await a.waitFor((f) => f.type === 'message' && f.ts === afterLeaving.ts);
    await sleep(200);
    assert.ok(!c.frames.some((f) => f.ts === afterLeaving.ts), 'nothing after leaving');

    await ok('conversations.invite', alice, { channel, users: carol.user_id });
    const invited = await ok('chat.postMessage', alice, { channel, text: 'welcome back' });
    await c.waitFor((f) => f.type === 'message' && f.ts === invited.ts);
    await a.close();
    await c.close();
  });

  test('outsiders see nothing of a private channel or a DM; guests only their channels', async () => {
    const secret = await newChannel(alice, 'rt-secret', { isPrivate: true, members: [bob] });
    const dm = (await ok('conversations.open', alice, { users: bob.user_id })).channel.id;
    const c = await connect(carol);
    const g = await connect(guest);
    const b = await connect(bob);

    const inSecret = await ok('chat.postMessage', alice, { channel: secret, text: 'top secret' });
    const inDm = await ok('chat.postMessage', alice, { channel: dm, text: 'just us' });
    const inGeneral = await ok('chat.postMessage', alice, {
      channel: general,
      text: 'for everyone',
    });
    await b.waitFor((f) => f.ts === inSecret.ts);
    await b.waitFor((f) => f.ts === inDm.ts);
    await c.waitFor((f) => f.ts === inGeneral.ts);
    await sleep(200);
    for (const outsider of [c, g]) {
      assert.ok(!outsider.frames.some((f) => f.ts === inSecret.ts || f.ts === inDm.ts));
      assert.ok(!JSON.stringify(outsider.frames).includes('top secret'));
      assert.ok(!JSON.stringify(outsider.frames).includes(secret));
    }
    assert.ok(!g.frames.some((f) => f.ts === inGeneral.ts), 'the guest is not in general');
    await ok('conversations.create', alice, { name: 'rt-public-news' });
    await c.waitFor((f) => f.type === 'channel_created' && f.channel.name === 'rt-public-news');
    await sleep(200);
    assert.ok(!g.frames.some((f) => f.type === 'channel_created'), 'guests hear of no channel');
    await Promise.all([b.close(), c.close(), g.close()]);
  });

  test('another workspace hears nothing', async () => {
    const other = server.admin(
      'create-workspace',
      '--name',
      'Elsewhere',
      '--email',
      'x@elsewhere.test',
      '--password',
      'a long passphrase',
    );
    const stranger = new RtmTestClient(server, other.token);
    await stranger.connect();
    const posted = await ok('chat.postMessage', alice, { channel: general, text: 'acme only' });
    const a = await connect(alice);
    await ok('users.profile.set', alice, { name: 'title', value: 'Visible only at Acme' });
    await a.waitFor((f) => f.type === 'user_change' && f.user.id === alice.user_id);
    await sleep(200);
    assert.ok(!stranger.frames.some((f) => f.ts === posted.ts || f.type === 'user_change'));
    await Promise.all([a.close(), stranger.close()]);
  });

  test('typing reaches the other members only, throttled', async () => {
    const channel = await newChannel(alice, 'rt-typing', { members: [bob] });
    const a = await connect(alice);
    const b = await connect(bob);
    const c = await connect(carol);
    a.send({ type: 'typing', channel });
    a.send({ type: 'typing', channel });
    const typing = await b.waitFor((f) => f.type === 'user_typing');
    assert.equal(typing.channel, channel);
    assert.equal(typing.user, alice.user_id);
    c.send({ type: 'typing', channel }); // carol is not a member: not forwarded.
    await sleep(300);
    assert.equal(b.frames.filter((f) => f.type === 'user_typing').length, 1, 'throttled to one');
    assert.ok(!c.frames.some((f) => f.type === 'user_typing'));
    assert.ok(!a.frames.some((f) => f.type === 'user_typing'), 'not echoed to the typist');
    await Promise.all([a.close(), b.close(), c.close()]);
  });
});

describe('presence', () => {
  test('active while a socket is open, away after the last closes, away when set', async () => {
    await sleep(500); // Earlier tests' sockets are past their grace period: everyone is away.
    const watcher = await connect(owner);
    const b = await connect(bob);
    const cameOnline = await watcher.waitFor(
      (f) =>
        f.type === 'presence_change' && f.presence === 'active' && f.users.includes(bob.user_id),
    );
    assert.ok(cameOnline.resume_cursor);
    assert.equal((await ok('users.getPresence', alice, { user: bob.user_id })).presence, 'active');
    const self = await ok('users.getPresence', bob);
    assert.equal(self.online, true);
    assert.equal(self.connection_count, 1);

    await b.close();
    await watcher.waitFor(
      (f) => f.type === 'presence_change' && f.presence === 'away' && f.users.includes(bob.user_id),
    );
    assert.equal((await ok('users.getPresence', alice, { user: bob.user_id })).presence, 'away');

    const again = await connect(bob);
    await watcher.waitFor(
      (f) =>
        f.type === 'presence_change' && f.presence === 'active' && f.users.includes(bob.user_id),
      { from: watcher.frames.length },
    );
    const mark = watcher.frames.length;
    await ok('users.setPresence', bob, { presence: 'away' });
    await watcher.waitFor((f) => f.type === 'presence_change' && f.presence === 'away', {
      from: mark,
    });
    assert.equal((await ok('users.getPresence', alice, { user: bob.user_id })).presence, 'away');
    await ok('users.setPresence', bob, { presence: 'auto' });
    assert.equal(
      (await server.api('users.setPresence', bob.token, { presence: 'busy' })).error,
      'invalid_presence',
    );
    await Promise.all([again.close(), watcher.close()]);
  });

  test('a quick reconnect within the grace period sends no presence change', async () => {
    const watcher = await connect(owner);
    const c = await connect(carol);
    await watcher.waitFor((f) => f.type === 'presence_change' && f.users.includes(carol.user_id));
    const mark = watcher.frames.length;
    await c.close();
    const back = await connect(carol);
    await sleep(600);
    assert.ok(
      !watcher.frames
        .slice(mark)
        .some((f) => f.type === 'presence_change' && f.users.includes(carol.user_id)),
    );
    await Promise.all([back.close(), watcher.close()]);
  });
});

describe('presence subscriptions', () => {
  test('with presence_sub a socket hears only the users it subscribed to', async () => {
    // Two people nobody has seen online yet: one subscribed to, one not.
    const [watched, unwatched] = ['watched', 'unwatched'].map((name) =>
      server.admin(
        'create-user',
        '--team',
        owner.team_id,
        '--email',
        `${name}@acme.test`,
        '--password',
        'another long passphrase',
      ),
    );
    const picky = await connect(owner, { presenceSub: true });
    const everyone = await connect(bob);

    const answer = picky.frames.length;
    picky.send({ type: 'presence_sub', id: 7, ids: [watched.user_id] });
    await picky.waitFor((f) => f.reply_to === 7 && f.ok === true, { from: answer });
    const initial = await picky.waitFor(
      (f) => f.type === 'presence_change' && f.users?.includes(watched.user_id),
      { from: answer },
    );
    assert.equal(initial.presence, 'away');

    const before = picky.frames.length;
    const unwatchedSocket = await connect(unwatched);
    await everyone.waitFor(
      (f) => f.type === 'presence_change' && f.users?.includes(unwatched.user_id),
    );
    const watchedSocket = await connect(watched);
    const watchedActive = await picky.waitFor(
      (f) => f.type === 'presence_change' && f.presence === 'active',
      { from: before },
    );
    assert.deepEqual(watchedActive.users, [watched.user_id]);
    assert.equal(
      picky.frames
        .slice(before)
        .some((f) => f.type === 'presence_change' && f.users?.includes(unwatched.user_id)),
      false,
      'nobody subscribed to unwatched',
    );

    const bad = picky.frames.length;
    picky.send({ type: 'presence_sub', id: 8, ids: 'not a list' });
    const refused = await picky.waitFor((f) => f.reply_to === 8, { from: bad });
    assert.equal(refused.ok, false);
    assert.equal(refused.error.msg, 'invalid_ids');

    for (const socket of [picky, everyone, unwatchedSocket, watchedSocket]) await socket.close();
  });
});

describe('ordering', () => {
  test("concurrent posters: every listener sees history's order", async () => {
    const channel = await newChannel(alice, 'rt-order', { members: [bob, carol, owner] });
    const listeners = await Promise.all([alice, bob, carol].map((who) => connect(who)));
    const posters = [alice, bob, carol, owner];
    const perPoster = 100;
    await Promise.all(
      posters.map(async (who, p) => {
        for (let i = 0; i < perPoster; i++) {
          await ok('chat.postMessage', who, { channel, text: `p${p} m${i}` });
        }
      }),
    );
    const total = posters.length * perPoster;
    const history = [];
    let cursor;
    do {
      const page = await ok('conversations.history', alice, { channel, limit: 200, cursor });
      history.push(...page.messages.map((m) => m.ts));
      cursor = page.response_metadata?.next_cursor;
    } while (cursor);
    history.reverse();
    assert.equal(history.length, total);
    for (const listener of listeners) {
      const seen = (
        await listener.waitForCount(
          (f) => f.type === 'message' && !f.subtype && f.channel === channel,
          total,
        )
      ).map((f) => f.ts);
      assert.deepEqual(seen, history);
    }
    await Promise.all(listeners.map((l) => l.close()));
  });
});

describe('resume', () => {
  test('a returning client gets exactly what it missed, in order, then live events', async () => {
    const channels = [
      general,
      await newChannel(alice, 'rt-resume-1', { members: [bob] }),
      await newChannel(alice, 'rt-resume-2', { members: [bob] }),
    ];
    const b = await connect(bob);
    const warmup = await ok('chat.postMessage', alice, { channel: channels[1], text: 'before' });
    await b.waitFor((f) => f.ts === warmup.ts);
    const cursor = b.latestCursor();
    await b.close();

    const missed = [];
    for (let i = 0; i < 200; i++) {
      const channel = channels[i % channels.length];
      missed.push({
        channel,
        ts: (await ok('chat.postMessage', alice, { channel, text: `missed ${i}` })).ts,
      });
    }

    const back = new RtmTestClient(server, bob.token);
    await back.connect({ resumeCursor: cursor });
    const replayed = await back.waitForCount((f) => f.type === 'message' && !f.subtype, 200);
    assert.deepEqual(
      replayed.map((f) => `${f.channel}/${f.ts}`),
      missed.map((m) => `${m.channel}/${m.ts}`),
    );
    assert.ok(!back.frames.some((f) => f.ts === warmup.ts), 'nothing from before the cursor');

    const live = await ok('chat.postMessage', alice, { channel: channels[2], text: 'live again' });
    await back.waitFor((f) => f.ts === live.ts);
    const messages = back.frames.filter((f) => f.type === 'message' && !f.subtype);
    assert.equal(messages.length, 201, 'no duplicates at the seam');
    await back.close();
  });

  test('an unknown cursor is told to resync', async () => {
    const foreign = Buffer.from('v1:0000000000000000:5').toString('base64');
    const client = new RtmTestClient(server, bob.token);
    await client.connect({ resumeCursor: foreign });
    const resync = await client.waitFor((f) => f.type === 'resync_required');
    assert.equal(resync.reason, 'cursor_unknown');
    assert.ok(resync.resume_cursor);
    const live = await ok('chat.postMessage', alice, { channel: general, text: 'after resync' });
    await client.waitFor((f) => f.ts === live.ts);
    await client.close();
  });

  test('resume works across a server crash (kill -9)', async () => {
    const crashing = await new ParleyServer().start();
    const boss = crashing.admin(
      'create-workspace',
      '--name',
      'Crashy',
      '--email',
      'c@crashy.test',
      '--password',
      'a long passphrase',
    );
    const listener = crashing.admin(
      'create-user',
      '--team',
      boss.team_id,
      '--email',
      'l@crashy.test',
      '--password',
      'a long passphrase',
    );
    const room = (await crashing.api('conversations.list', boss.token)).channels.find(
      (c) => c.is_general,
    ).id;

    const client = new RtmTestClient(crashing, listener.token);
    await client.connect();
    const first = await crashing.api('chat.postMessage', boss.token, {
      channel: room,
      text: 'first',
    });
    await client.waitFor((f) => f.ts === first.ts);
    const cursor = client.latestCursor();
    await client.close();

    const acknowledged = [];
    for (let i = 0; i < 100; i++) {
      acknowledged.push(
        (await crashing.api('chat.postMessage', boss.token, { channel: room, text: `m${i}` })).ts,
      );
    }
    await crashing.kill();
    const restarted = await new ParleyServer({ dataDir: crashing.dataDir }).start();
    const returning = new RtmTestClient(restarted, listener.token);
    await returning.connect({ resumeCursor: cursor });
    const replayed = await returning.waitForCount((f) => f.type === 'message' && !f.subtype, 100);
    assert.deepEqual(
      replayed.map((f) => f.ts),
      acknowledged,
    );
    const live = await restarted.api('chat.postMessage', boss.token, {
      channel: room,
      text: 'after restart',
    });
    await returning.waitFor((f) => f.ts === live.ts);
    await returning.close();
    await restarted.stop();
    crashing.cleanup();
  });
});

describe('slow consumers', () => {
  test('a client that stops reading is cut off; others keep up; it can resume', async () => {
    const slowServer = await new ParleyServer({
      extraArgs: ['--ws-max-queued-bytes', '65536'],
    }).start();
    const sockets = [];
    try {
      const { owner: boss, members } = createTeam(slowServer, { members: 2 });
      const [reader, sleeper] = members;
      const room = (await slowServer.api('conversations.list', boss.token)).channels.find(
        (c) => c.is_general,
      ).id;

      const fast = new RtmTestClient(slowServer, reader.token);
      const slow = new RtmTestClient(slowServer, sleeper.token);
      sockets.push(fast, slow);
      await fast.connect();
      await slow.connect();
      const cursor = slow.latestCursor();
      slow.socket._socket.pause(); // Stop reading: the server's queue for it fills up.

      // Loopback's kernel buffers absorb several MiB before the server's own queue grows,
      // so keep posting until the server gives up on the sleeper (bounded).
      const big = 'x'.repeat(30000);
      const posted = [];
      for (let i = 0; i < 800; i++) {
        const answer = await slowServer.api('chat.postMessage', boss.token, {
          channel: room,
          text: `${i} ${big}`,
        });
        posted.push(answer.ts);
        if (
          i % 20 === 19 &&
          (await slowServer.raw('/metrics', { method: 'GET' })).text.match(
            /parley_ws_slow_consumer_closes_total(\{[^}]*\})? [1-9]/,
          )
        )
          break;
      }

      // Read again at once: the close frame waits behind what was already on its way, and
      // the server gives a stalled close only a few seconds before dropping the socket.
      slow.socket._socket.resume();
      const closed = await Promise.race([
        slow.closedPromise,
        sleep(10000).then(() => ({ code: 'not closed' })),
      ]);
      assert.equal(closed.code, 4008, 'closed as a slow consumer');

      const seen = await fast.waitForCount(
        (f) => f.type === 'message' && !f.subtype,
        posted.length,
        { timeoutMs: 30000 },
      );
      assert.deepEqual(
        seen.map((f) => f.ts),
        posted,
        'the reader kept up with everything',
      );

      const resumed = new RtmTestClient(slowServer, sleeper.token);
      sockets.push(resumed);
      await resumed.connect({ resumeCursor: slow.latestCursor() ?? cursor });
      const before = slow.frames.filter((f) => f.type === 'message' && !f.subtype).map((f) => f.ts);
      const after = await resumed.waitForCount(
        (f) => f.type === 'message' && !f.subtype,
        posted.length - before.length,
        { timeoutMs: 30000 },
      );
      assert.deepEqual([...before, ...after.map((f) => f.ts)], posted);
    } finally {
      // A failed assertion must not leave the server running: the test process would wait
      // for it forever.
      for (const socket of sockets) socket.socket?.terminate();
      await slowServer.stop();
      slowServer.cleanup();
    }
  });
});

describe('deactivation', () => {
  test("admin.users.remove closes the user's sockets; others hear user_change", async () => {
    const leaver = server.admin(
      'create-user',
      '--team',
      owner.team_id,
      '--email',
      'leaver@acme.test',
      '--password',
      'another long passphrase',
    );
    const first = await connect(leaver);
    const second = await connect(leaver);
    const watcher = await connect(alice);

    const denied = await server.api('admin.users.remove', alice.token, {
      user_id: leaver.user_id,
    });
    assert.equal(denied.error, 'not_an_admin');
    await ok('admin.users.remove', owner, { user_id: leaver.user_id });

    for (const socket of [first, second]) {
      const closed = await socket.closedPromise;
      assert.equal(closed.code, 4010);
      assert.equal(closed.reason, 'account_inactive');
    }
    const change = await watcher.waitFor(
      (f) => f.type === 'user_change' && f.user?.id === leaver.user_id,
    );
    assert.equal(change.user.deleted, true);

    const again = await server.api('rtm.connect', leaver.token);
    assert.equal(again.error, 'account_inactive');
    const owners = await server.api('admin.users.remove', owner.token, { user_id: owner.user_id });
    assert.equal(owners.error, 'cannot_remove_self');
    await watcher.close();
  });
});
