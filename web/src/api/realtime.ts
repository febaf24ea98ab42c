// The real-time socket (docs/realtime.md): rtm.connect, then a WebSocket whose events carry a
// resume cursor. After any drop it reconnects with the last cursor it saw, so the server
// replays exactly what was missed; when it cannot, the server says resync_required and the
// owner reloads what it shows.
import { ApiClient, ApiError } from './client';
import type { RtmEvent } from './types';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting';

export interface RealtimeHandlers {
  onEvent(event: RtmEvent): void;
  onState(state: ConnectionState): void;
  onHello(): void;
  onResync(): void;
  onAuthFailed(): void;
}

const kPingIntervalMs = 15_000;
// A socket that answers no ping within this time is treated as dead (a half-open TCP
// connection after a network change never reports a close by itself).
const kPongTimeoutMs = 10_000;
const kMaxBackoffMs = 10_000;
const kCloseAccountInactive = 4010;

export class RealtimeSocket {
  private socket: WebSocket | null = null;
  private cursor: string | null = null;
  private attempt = 0;
  private stopped = false;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private lastPongAt = 0;
  private nextPingId = 1;
  // The people whose presence this client shows. The socket asks to hear presence for them
  // only (rtm.connect presence_sub=true), not for the whole workspace, which in a big one
  // would be a frame for every change of anyone's presence.
  private presenceIds: string[] = [];
  private readonly onOnline = () => this.reconnectNow();
  private readonly onOffline = () => this.drop();

  constructor(
    private readonly api: ApiClient,
    private readonly handlers: RealtimeHandlers,
  ) {}

  start() {
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.handlers.onState('connecting');
    void this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    clearTimeout(this.retryTimer);
    this.closeSocket();
  }

  // Replaces the people whose presence_change this socket hears; the server answers with
  // their current presence. Sent again after every reconnection.
  subscribePresence(ids: string[]) {
    this.presenceIds = ids;
    this.sendPresenceSubscription();
  }

  private sendPresenceSubscription() {
    if (this.presenceIds.length) this.send({ type: 'presence_sub', ids: this.presenceIds });
  }

  send(frame: Record<string, unknown>) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  private async connect() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);

    let url: string;
    try {
      const args: Record<string, string> = { presence_sub: 'true' };
      if (this.cursor) args.resume_cursor = this.cursor;
      const answer = await this.api.call<{ url: string }>('rtm.connect', args);
      url = answer.url;
    } catch (error) {
      if (error instanceof ApiError && /auth|revoked|inactive/.test(error.error)) {
        this.handlers.onAuthFailed();
        return;
      }
      if (error instanceof ApiError && error.error === 'invalid_cursor') this.cursor = null;
      this.scheduleRetry();
      return;
    }
    if (this.stopped) return;

    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onmessage = (message) => this.receive(String(message.data));
    socket.onclose = (closed) => {
      if (this.socket !== socket) return;
      this.socket = null;
      // 4010: the account was deactivated (docs/realtime.md); reconnecting cannot help.
      if (closed.code === kCloseAccountInactive) {
        this.handlers.onAuthFailed();
        return;
      }
      this.scheduleRetry();
    };
  }

  private receive(data: string) {
    let event: RtmEvent;
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    if (event.type === 'pong') {
      this.lastPongAt = Date.now();
      return;
    }
    if (event.resume_cursor) this.cursor = event.resume_cursor;

    if (event.type === 'hello') {
      this.attempt = 0;
      this.startPinging();
      this.sendPresenceSubscription();
      this.handlers.onState('online');
      this.handlers.onHello();
    } else if (event.type === 'resync_required') {
      this.handlers.onResync();
    } else if (event.type === 'goodbye') {
      this.drop();
    } else {
      this.handlers.onEvent(event);
    }
  }

  private startPinging() {
    clearInterval(this.pingTimer);
    this.lastPongAt = Date.now();
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastPongAt > kPingIntervalMs + kPongTimeoutMs) {
        this.drop();
        return;
      }
      this.send({ type: 'ping', id: this.nextPingId++ });
    }, kPingIntervalMs);
  }

  // Closes the current socket and schedules a reconnect with the last cursor.
  private drop() {
    this.closeSocket();
    this.scheduleRetry();
  }

  private reconnectNow() {
    this.attempt = 0;
    this.closeSocket();
    this.handlers.onState('reconnecting');
    void this.connect();
  }

  private closeSocket() {
    clearInterval(this.pingTimer);
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.close();
    }
  }

  private scheduleRetry() {
    if (this.stopped) return;
    this.handlers.onState('reconnecting');
    clearTimeout(this.retryTimer);
    // Exponential backoff with jitter, so a restarted server is not hit by every client at once.
    const delay = Math.min(kMaxBackoffMs, 500 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt++;
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }
}
