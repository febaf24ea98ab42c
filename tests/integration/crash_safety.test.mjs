// Durability: chat.postMessage answers ok only after the message is committed, so a message
// whose post was acknowledged must survive the server being killed (SIGKILL, mid-load) and
// must be there exactly once after a restart on the same data directory, also when the
// database being recovered was itself recovered from a crash. A graceful stop (SIGTERM) must
// let in-flight requests finish and exit 0.
//
// Messages whose post was sent but whose answer was lost in the crash may or may not be
// stored; both are allowed. What is never allowed: an acknowledged ts missing, duplicated, or
// holding another message's text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ParleyServer } from '../lib/server.mjs';

const kPostingLoops = 8;
const kLoadMs = 1500;
const kHistoryPageSize = 1000;

// A workspace and a fresh channel its owner belongs to, made with the admin CLI.
function createWorkspaceAndChannel(server) {
  const owner = server.admin(
    'create-workspace',
    '--name',
    'Crash',
    '--email',
    'owner@crash.test',
    '--password',
    'correct horse battery staple',
  );
  const channel = server.admin(
    'create-channel',
    '--team',
    owner.team_id,
    '--name',
    'load',
    '--creator',
    owner.user_id,
  );
  return { token: owner.token, channel: channel.channel_id };
}

// Runs `loops` concurrent posting loops until `shouldStop()` or until the server stops
// answering. Every acknowledged post lands in `acked` (ts -> text). Resolves with the API
// errors seen (posts answered with ok:false), which must be none.
async function postUntilStopped(
  server,
  { token, channel },
  acked,
  { tag, shouldStop, loops = kPostingLoops },
) {
  const apiErrors = [];
  const loop = async (loopIndex) => {
    for (let n = 0; !shouldStop(); n++) {
      const text = `${tag} loop=${loopIndex} n=${n}`;
      let result;
      try {
        result = await server.api('chat.postMessage', token, { channel, text });
      } catch {
        return; // The server is gone (killed or stopped): this post's outcome is unknown.
      }
      if (!result.ok) {
        apiErrors.push({ status: result.__status, body: result });
        return;
      }
      assert.equal(acked.has(result.ts), false, `ts ${result.ts} acknowledged twice`);
      acked.set(result.ts, text);
    }
  };
  await Promise.all(Array.from({ length: loops }, (_, i) => loop(i)));
  return apiErrors;
}

// Every top-level message of the channel, paging through conversations.history.
async function readWholeHistory(server, { token, channel }) {
  const messages = [];
  let cursor;
  for (;;) {
    const page = await server.api('conversations.history', token, {
      channel,
      limit: kHistoryPageSize,
      cursor,
    });
    assert.equal(page.ok, true, `conversations.history failed: ${JSON.stringify(page)}`);
    messages.push(...page.messages);
    cursor = page.response_metadata?.next_cursor;
    if (!cursor) return messages;
  }
}

// Asserts every acknowledged message is stored exactly once with its own text, that no ts
// repeats, and that history is newest first. Returns the stored messages.
async function assertAcknowledgedPresent(server, ids, acked) {
  const messages = await readWholeHistory(server, ids);
  const byTs = new Map();
  for (const message of messages) {
    assert.equal(byTs.has(message.ts), false, `ts ${message.ts} appears twice in history`);
    byTs.set(message.ts, message);
  }
  for (let i = 1; i < messages.length; i++) {
    assert.ok(
      tsLess(messages[i].ts, messages[i - 1].ts),
      `history not newest first at ${messages[i - 1].ts}, ${messages[i].ts}`,
    );
  }

  const missing = [...acked.keys()].filter((ts) => !byTs.has(ts));
  assert.deepEqual(missing, [], `${missing.length} of ${acked.size} acknowledged messages lost`);
  for (const [ts, text] of acked) {
    assert.equal(byTs.get(ts).text, text, `ts ${ts} holds another message`);
  }
  return messages;
}

// Slack ts strings ("1700000000.000123") compared exactly, without floating point.
function tsLess(a, b) {
  const [aSeconds, aMicros] = a.split('.');
  const [bSeconds, bMicros] = b.split('.');
  return (
    BigInt(aSeconds) * 1000000n + BigInt(aMicros) < BigInt(bSeconds) * 1000000n + BigInt(bMicros)
  );
}

function maxTs(tsList) {
  return tsList.reduce((max, ts) => (max === undefined || tsLess(max, ts) ? ts : max), undefined);
}

// Posts under load for kLoadMs, then kills the server with SIGKILL while the loops still post.
async function loadThenKill(server, ids, acked, tag) {
  let killed = false;
  const posting = postUntilStopped(server, ids, acked, { tag, shouldStop: () => killed });
  await sleep(kLoadMs);
  const exit = await server.kill();
  killed = true;
  assert.equal(exit.signal, 'SIGKILL');
  return posting;
}

async function crashTwiceAndRecover(t, extraArgs) {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-crash-'));
  const servers = [];
  const start = async () => {
    const server = new ParleyServer({ dataDir, extraArgs });
    servers.push(server);
    return server.start();
  };
  try {
    const acked = new Map();

    // Round 1: load, then SIGKILL.
    const first = await start();
    const ids = createWorkspaceAndChannel(first);
    assert.deepEqual(await loadThenKill(first, ids, acked, 'round1'), []);
    assert.ok(acked.size > 0, 'no post was acknowledged before the kill');
    const ackedInRound1 = acked.size;
    t.diagnostic(`round 1: ${ackedInRound1} posts acknowledged before SIGKILL`);

    // Round 2: recover, check, load the recovered database, then SIGKILL again.
    const second = await start();
    const afterFirstCrash = await assertAcknowledgedPresent(second, ids, acked);
    const lastBeforeRound2 = maxTs(afterFirstCrash.map((m) => m.ts));
    t.diagnostic(`after recovery 1: ${afterFirstCrash.length} stored`);
    assert.deepEqual(await loadThenKill(second, ids, acked, 'round2'), []);
    assert.ok(acked.size > ackedInRound1, 'no post was acknowledged after the first recovery');
    t.diagnostic(`round 2: ${acked.size - ackedInRound1} posts acknowledged before SIGKILL`);

    // ts keep rising across a crash: nothing posted after recovery sorts before old messages.
    for (const [ts, text] of acked) {
      if (text.startsWith('round2')) {
        assert.ok(
          tsLess(lastBeforeRound2, ts),
          `ts ${ts} after recovery is not after ${lastBeforeRound2}`,
        );
      }
    }

    // Round 3: recover the twice-crashed database, check everything, stop cleanly.
    const third = await start();
    const afterSecondCrash = await assertAcknowledgedPresent(third, ids, acked);
    t.diagnostic(`after recovery 2: ${afterSecondCrash.length} stored, ${acked.size} acknowledged`);
    const exit = await third.stop();
    assert.deepEqual(exit, { code: 0, signal: null });
  } finally {
    for (const server of servers) {
      if (server.process?.exitCode === null && !server.process.signalCode) await server.kill();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test('acknowledged posts survive SIGKILL mid-load, twice in a row (sync=full)', async (t) => {
  await crashTwiceAndRecover(t, []);
});

test('acknowledged posts survive SIGKILL mid-load, twice in a row (sync=normal)', async (t) => {
  await crashTwiceAndRecover(t, ['--sync', 'normal']);
});

// Opens a raw connection and sends the header of a chat.postMessage request with
// `Expect: 100-continue`. The server answers "100 Continue" only once it has read the header,
// so when this resolves the request is certainly in flight on the server, and it cannot
// finish until `finish()` sends the body. `response` resolves with everything the server
// sent (the interim 100 included) before closing.
async function startHeldPost(server, { token, channel }, text) {
  const body = new URLSearchParams({ channel, text }).toString();
  const socket = connect(server.port, '127.0.0.1');
  let received = '';
  let gotContinue;
  const continued = new Promise((resolve) => {
    gotContinue = resolve;
  });
  const response = new Promise((resolve, reject) => {
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      if (received.startsWith('HTTP/1.1 100 ')) gotContinue();
    });
    socket.once('end', () => resolve(received));
    socket.once('error', reject);
  });
  response.catch(() => {}); // Awaited later; a failure must not count as unhandled meanwhile.
  socket.write(
    [
      'POST /api/chat.postMessage HTTP/1.1',
      'Host: 127.0.0.1',
      `Authorization: Bearer ${token}`,
      'Content-Type: application/x-www-form-urlencoded',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Expect: 100-continue',
      '',
      '',
    ].join('\r\n'),
  );
  const endedFirst = response.then(() => {
    throw new Error(`connection ended before 100 Continue: ${received}`);
  });
  endedFirst.catch(() => {}); // Only matters if it settles before `continued`.
  await Promise.race([continued, endedFirst]);
  return { response, finish: () => socket.write(body) };
}

// Resolves once a new connection to `port` is refused: the server has closed its listener,
// so its shutdown has begun. Bounded: gives up after ~10 s.
async function waitUntilRefused(port) {
  for (let attempt = 0; attempt < 500; attempt++) {
    const refused = await new Promise((resolve) => {
      const probe = connect(port, '127.0.0.1');
      probe.once('connect', () => {
        probe.destroy();
        resolve(false);
      });
      probe.once('error', (error) => resolve(error.code === 'ECONNREFUSED'));
    });
    if (refused) return;
    await sleep(20);
  }
  throw new Error(`port ${port} still accepting connections 10 s after SIGTERM`);
}

test('SIGTERM lets in-flight posts finish, keeps them, and exits 0', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-term-'));
  const servers = [];
  try {
    const server = new ParleyServer({ dataDir });
    servers.push(server);
    await server.start();
    const ids = createWorkspaceAndChannel(server);
    const acked = new Map();

    // Concurrent load, plus one request held without its body so it is certainly in flight.
    const posting = postUntilStopped(server, ids, acked, { tag: 'term', shouldStop: () => false });
    await sleep(300);
    const held = await startHeldPost(server, ids, 'held across SIGTERM');
    server.process.kill('SIGTERM');

    // Finish the held request only once the server is certainly shutting down.
    await waitUntilRefused(server.port);
    held.finish();
    const raw = await held.response;
    const [, head, body] = raw.split('\r\n\r\n'); // The interim 100 Continue, then the answer.
    assert.match(head, /^HTTP\/1\.1 200 /, `held request answered: ${raw}`);
    assert.match(head, /\r\nconnection: close/i, 'a stopping server should close after answering');
    const answer = JSON.parse(body);
    assert.equal(answer.ok, true, `held request answered: ${body}`);
    acked.set(answer.ts, 'held across SIGTERM');

    // Every post the loops got an answer to was ok: none was failed by the shutdown.
    assert.deepEqual(await posting, []);
    t.diagnostic(`${acked.size} posts acknowledged, the held one included`);
    assert.deepEqual(await server.exited, { code: 0, signal: null });

    const restarted = new ParleyServer({ dataDir });
    servers.push(restarted);
    await restarted.start();
    await assertAcknowledgedPresent(restarted, ids, acked);
    assert.deepEqual(await restarted.stop(), { code: 0, signal: null });
  } finally {
    for (const server of servers) {
      if (server.process?.exitCode === null && !server.process.signalCode) await server.kill();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
});
