// A plain RTM client for tests: rtm.connect, then a WebSocket (the `ws` package) whose
// frames are collected so tests can wait for the ones they expect.
import WebSocket from 'ws';
import { setTimeout as sleep } from 'node:timers/promises';

export class RtmTestClient {
  constructor(server, token) {
    this.server = server;
    this.token = token;
    this.frames = [];
    this.waiters = [];
    this.closed = null;
  }

  // Connects (optionally resuming, optionally hearing presence only by presence_sub) and
  // resolves after the hello frame.
  async connect({ resumeCursor, presenceSub } = {}) {
    const connected = await this.server.api('rtm.connect', this.token, {
      resume_cursor: resumeCursor,
      presence_sub: presenceSub ? 'true' : undefined,
    });
    if (!connected.ok) throw new Error(`rtm.connect failed: ${connected.error}`);
    this.self = connected.self;
    this.frames = [];
    this.closed = null;
    this.socket = new WebSocket(connected.url);
    this.closedPromise = new Promise((resolve) => {
      this.socket.on('close', (code, reason) => {
        this.closed = { code, reason: reason.toString() };
        resolve(this.closed);
        this.notify();
      });
    });
    this.socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()));
      this.notify();
    });
    this.socket.on('error', () => {});
    const hello = await this.waitFor((f) => f.type === 'hello');
    this.lastCursor = hello.resume_cursor;
    return hello;
  }

  notify() {
    for (const waiter of [...this.waiters]) waiter();
  }

  // Resolves with the first collected frame matching `predicate` (searching from `from`).
  waitFor(predicate, { timeoutMs = 5000, from = 0 } = {}) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.frames.slice(from).find(predicate);
        if (found) {
          cleanup();
          resolve(found);
          return true;
        }
        if (this.closed) {
          cleanup();
          reject(new Error(`socket closed (${this.closed.code}) before the frame arrived`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `timed out waiting; saw types: ${this.frames.map((f) => f.type + (f.subtype ? ':' + f.subtype : '')).join(',')}`,
          ),
        );
      }, timeoutMs);
      const waiter = () => check();
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      this.waiters.push(waiter);
      check();
    });
  }

  // Waits until `count` frames match, and returns them in arrival order.
  async waitForCount(predicate, count, { timeoutMs = 10000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.frames.filter(predicate);
      if (matching.length >= count) return matching;
      if (this.closed)
        throw new Error(`socket closed (${this.closed.code}) with ${matching.length}/${count}`);
      if (Date.now() > deadline) throw new Error(`timed out with ${matching.length}/${count}`);
      await sleep(10);
    }
  }

  // Frames that carry a resume cursor (event frames); the last one's cursor is where to
  // resume from.
  latestCursor() {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      if (this.frames[i].resume_cursor) return this.frames[i].resume_cursor;
    }
    return this.lastCursor;
  }

  send(frame) {
    this.socket.send(JSON.stringify(frame));
  }

  async close() {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.close();
      await this.closedPromise;
    }
  }

  // Messages (type "message", no subtype) in `channel`, in arrival order.
  messagesIn(channel) {
    return this.frames.filter((f) => f.type === 'message' && !f.subtype && f.channel === channel);
  }
}
