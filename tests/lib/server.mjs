// Starts a real `parley serve` on 127.0.0.1 port 0 with a temporary data directory, and
// talks to it over HTTP the way any client would. Shared by the integration and SDK tests.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const PARLEY_BIN =
  process.env.PARLEY_BIN ?? new URL('../../build/default/parley', import.meta.url).pathname;

export class ParleyServer {
  constructor({ dataDir, extraArgs = [] } = {}) {
    this.dataDir = dataDir ?? mkdtempSync(join(tmpdir(), 'parley-test-'));
    this.extraArgs = extraArgs;
    this.ownsDataDir = !dataDir;
  }

  // Starts the server and resolves once it is listening.
  async start() {
    const portFile = join(this.dataDir, `port-${process.pid}-${Date.now()}`);
    this.process = spawn(
      PARLEY_BIN,
      [
        'serve',
        '--data',
        this.dataDir,
        '--listen',
        '127.0.0.1:0',
        '--port-file',
        portFile,
        '--log-level',
        process.env.PARLEY_TEST_LOG_LEVEL ?? 'warn',
        ...this.extraArgs,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    this.exited = new Promise((resolve) =>
      this.process.once('exit', (code, signal) => resolve({ code, signal })),
    );
    for (let i = 0; i < 200; i++) {
      if (existsSync(portFile)) {
        const text = readFileSync(portFile, 'utf8').trim();
        if (text) {
          this.port = Number(text);
          this.url = `http://127.0.0.1:${this.port}`;
          return this;
        }
      }
      if (this.process.exitCode !== null)
        throw new Error(`parley exited with ${this.process.exitCode}`);
      await sleep(25);
    }
    throw new Error('parley did not start listening within 5 s');
  }

  // SIGTERM and wait: the graceful path.
  async stop() {
    if (!this.process || this.process.exitCode !== null || this.process.signalCode) return;
    this.process.kill('SIGTERM');
    return this.exited;
  }

  // SIGKILL: the crash path. The data directory is kept for a restart.
  async kill() {
    this.process.kill('SIGKILL');
    return this.exited;
  }

  cleanup() {
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  // Runs `parley admin --data DIR --json <args>` and returns its JSON output.
  admin(...args) {
    const out = execFileSync(PARLEY_BIN, ['admin', '--data', this.dataDir, '--json', ...args], {
      encoding: 'utf8',
    });
    return JSON.parse(out);
  }

  // Calls a Web API method with form-encoded arguments (objects are JSON-encoded, as Slack's
  // SDK does). Returns the parsed JSON body; the HTTP status is on result.__status.
  async api(method, token, args = {}) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(args)) {
      if (v === undefined) continue;
      body.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${this.url}/api/${method}`, { method: 'POST', headers, body });
    const text = await response.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = { raw: text };
    }
    Object.defineProperty(json, '__status', { value: response.status, enumerable: false });
    return json;
  }

  // Sends exactly the bytes given, for malformed-input tests.
  async raw(path, { method = 'POST', headers = {}, body } = {}) {
    const response = await fetch(`${this.url}${path}`, { method, headers, body });
    return { status: response.status, text: await response.text() };
  }
}

// A workspace made with the admin CLI on a running server: an owner and `members` more
// members, then `guests` guests, all with tokens. Members are member0@acme.test, ...
export function createTeam(
  server,
  {
    members = 2,
    guests = 0,
    ownerPassword = 'correct horse battery staple',
    memberPassword = 'another long passphrase',
  } = {},
) {
  const owner = server.admin(
    'create-workspace',
    '--name',
    'Acme',
    '--email',
    'owner@acme.test',
    '--password',
    ownerPassword,
  );
  const person = (kind, i, role) =>
    server.admin(
      'create-user',
      '--team',
      owner.team_id,
      '--email',
      `${kind}${i}@acme.test`,
      '--name',
      `${kind}${i}`,
      '--password',
      memberPassword,
      '--role',
      role,
    );
  const people = Array.from({ length: members }, (_, i) => person('member', i, 'member'));
  const guestList = Array.from({ length: guests }, (_, i) => person('guest', i, 'guest'));
  return { owner, members: people, guests: guestList };
}

// A started server with createTeam's workspace.
export async function startWithTeam({ members = 2, guests = 0, extraArgs = [] } = {}) {
  const server = await new ParleyServer({ extraArgs }).start();
  return { server, ...createTeam(server, { members, guests }) };
}
