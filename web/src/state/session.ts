// One signed-in person's session: it loads the workspace (client.boot), keeps the real-time
// socket and the store in step, and carries out what the person does. Views call its methods
// and read the Store; they never talk to the server themselves.
import { ApiClient, ApiError, NetworkError } from '../api/client';
import { RealtimeSocket } from '../api/realtime';
import type { BootResponse, Conversation, Message, RtmEvent, User } from '../api/types';
import { threadKey, type PendingMessage } from './model';
import { toTyped } from '../render/typed';
import { parseRoute } from '../router';
import {
  loadLastConversation,
  loadOutbox,
  saveLastConversation,
  saveOutbox,
  type SavedSession,
} from './persisted';
import * as r from './reducers';
import { Store } from './store';

const kHistoryPageSize = 50;
const kUsersPageSize = 1000;
const kOutboxRetryMs = 5000;
// A permalink jump loads back in the server's largest pages: 40 of them reach 40,000 messages.
const kJumpPageSize = 1000;
const kMaxJumpPages = 40;
const kUsersDelayMs = 3000;

export class Session {
  readonly store = new Store();
  readonly api: ApiClient;
  private readonly rtm: RealtimeSocket;
  private booted = false;
  private early: RtmEvent[] = [];
  private flushing = false;
  private retryTimer: ReturnType<typeof setInterval> | undefined;
  private current: string | null = null;
  private lastTypingSent = 0;
  private readonly historyLoads = new Map<string, Promise<void>>();
  private firstHistoryShown: () => void = () => {};
  private readonly firstHistory = new Promise<void>((resolve) => {
    this.firstHistoryShown = resolve;
    setTimeout(resolve, kUsersDelayMs);
  });

  constructor(
    readonly saved: SavedSession,
    private readonly onSignedOut: () => void,
  ) {
    this.api = new ApiClient(saved.token);
    this.rtm = new RealtimeSocket(this.api, {
      onEvent: (event) => this.receive(event),
      onState: (connection) => this.store.update((s) => ({ ...s, connection })),
      onHello: () => void this.flushOutbox(),
      onResync: () => void this.resync(),
      onAuthFailed: () => this.onSignedOut(),
    });
  }

  // The socket starts first, so that no event falls between the boot snapshot and the
  // first live event; events that arrive before the snapshot are applied after it.
  async start() {
    this.rtm.start();
    await this.boot();
    this.booted = true;
    const first = this.initialConversation();
    if (first) void this.loadHistory(first).catch(() => {});
    for (const event of this.early.splice(0)) this.receive(event);

    const outbox = loadOutbox(this.saved.user_id);
    this.store.update((s) => ({ ...s, pending: outbox.map((p) => ({ ...p, failed: undefined })) }));
    this.retryTimer = setInterval(() => void this.flushOutbox(), kOutboxRetryMs);
    void this.flushOutbox();
    // The full user list is big (10,000 people is 10 pages); it waits until the first
    // conversation is on screen so that it does not delay it.
    void this.firstHistory.then(() => this.loadAllUsers());
    this.subscribeToPresence();
  }

  stop() {
    this.rtm.stop();
    clearInterval(this.retryTimer);
  }

  private async boot() {
    let boot: BootResponse;
    try {
      boot = await this.api.call<BootResponse & { ok: true }>('client.boot');
    } catch (error) {
      if (error instanceof ApiError && error.error === 'unknown_method')
        boot = await this.bootSlowly();
      else if (error instanceof ApiError) return this.onSignedOut();
      else throw error;
    }
    const conversations: Record<string, Conversation> = {};
    for (const c of boot.channels) conversations[c.id] = { ...c, is_member: true };
    this.store.update((s) =>
      r.addUsers({ ...s, self: boot.self, team: boot.team, conversations }, boot.users),
    );
  }

  // TODO(#4): drop once every server has client.boot; this costs one call per conversation.
  private async bootSlowly(): Promise<BootResponse> {
    const auth = await this.api.call<{ user_id: string; team_id: string }>('auth.test');
    const { user } = await this.api.call<{ user: User }>('users.info', { user: auth.user_id });
    const { team } = await this.api.call<{ team: BootResponse['team'] }>('team.info');
    const ids: string[] = [];
    await this.api.paginate<Conversation>(
      'users.conversations',
      { types: 'public_channel,private_channel,im,mpim', limit: 1000 },
      (page) => page.channels as Conversation[],
      (items) => ids.push(...items.map((c) => c.id)),
    );
    const channels = await Promise.all(
      ids.map(async (id) => {
        const answer = await this.api.call<{ channel: Conversation }>('conversations.info', {
          channel: id,
        });
        return answer.channel;
      }),
    );
    return { self: user, team, channels, users: [user] };
  }

  private async loadAllUsers() {
    try {
      await this.api.paginate<User>(
        'users.list',
        { limit: kUsersPageSize },
        (page) => page.members as User[],
        (users) => this.store.update((s) => r.addUsers(s, users)),
      );
    } catch {
      // Names then show as ids until the next reload; nothing else depends on the full list.
    }
  }

  // Presence dots are shown for oneself and the other person of each DM; the socket hears
  // presence for exactly those people (and re-subscribes by itself after reconnecting).
  private subscribeToPresence() {
    const state = this.store.get();
    const people = new Set<string>([this.saved.user_id]);
    for (const c of Object.values(state.conversations)) if (c.is_im && c.user) people.add(c.user);
    this.rtm.subscribePresence([...people]);
  }

  // Makes sure a user someone refers to is known, so their name can be shown.
  async ensureUser(id: string) {
    if (this.store.get().users[id] || !/^[UW][0-9A-Z]+$/.test(id)) return;
    try {
      const { user } = await this.api.call<{ user: User }>('users.info', { user: id });
      this.store.update((s) => r.addUsers(s, [user]));
    } catch {
      // An unknown id is shown as it is.
    }
  }

  private receive(event: RtmEvent) {
    if (!this.booted) {
      this.early.push(event);
      return;
    }
    this.store.update((s) => r.applyEvent(s, event));

    if (event.type === 'im_created') this.subscribeToPresence();
    if (event.type === 'message' && !event.subtype && typeof event.channel === 'string') {
      this.afterNewMessage(event.channel, event as unknown as Message);
    }
    if (typeof event.user === 'string') void this.ensureUser(event.user);
    if (typeof event.channel === 'object' && event.channel.user) {
      void this.ensureUser(event.channel.user);
    }
  }

  private afterNewMessage(channel: string, message: Message) {
    void this.ensureUser(message.user);
    const visible = document.visibilityState === 'visible';
    if (channel === this.current && visible) {
      this.markRead(channel);
      return;
    }
    this.notify(channel, message);
  }

  private notify(channel: string, message: Message) {
    const state = this.store.get();
    const conversation = state.conversations[channel];
    if (!conversation || message.user === state.self?.id) return;
    if (!conversation.is_im && !r.mentions(message.text ?? '', state.self?.id ?? '')) return;
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    // A DM is titled by its sender alone ("ann in ann" says nothing); a channel keeps its #,
    // as in the sidebar.
    const sender = r.userName(state, message.user);
    const where = r.conversationName(state, conversation);
    let title = `${sender} in ${where}`;
    if (conversation.is_im) title = sender;
    else if (!conversation.is_mpim) title = `${sender} in #${where}`;
    // A notification shows plain text: `<@U…>` and `&lt;` would reach the person raw.
    const body = toTyped(message.text, (id) => state.users[id]?.name ?? id).slice(0, 200);
    new Notification(title, { body, tag: `${channel}/${message.ts}` });
  }

  // After a gap the server could not replay: reload every loaded history and the counts.
  private async resync() {
    const loaded = Object.keys(this.store.get().histories);
    this.store.update((s) => ({ ...s, histories: {}, threads: {} }));
    await this.boot();
    for (const channel of loaded) await this.loadHistory(channel);
  }

  // -- Conversations ------------------------------------------------------------------------

  // The conversation to open when the address names none: the last one open, or general.
  initialConversation(): string | undefined {
    const fromPath = parseRoute(location.pathname, location.search);
    if (fromPath.kind === 'client' && fromPath.channel) return fromPath.channel;
    const last = loadLastConversation(this.saved.user_id);
    const conversations = this.store.get().conversations;
    if (last && conversations[last]) return last;
    return Object.values(conversations).find((c) => c.is_general)?.id;
  }

  setCurrent(channel: string | null) {
    this.current = channel;
    if (channel) saveLastConversation(this.saved.user_id, channel);
    if (channel) void this.openConversation(channel);
  }

  async openConversation(channel: string) {
    const state = this.store.get();
    if (!state.histories[channel]?.loaded) await this.loadHistory(channel);
    this.firstHistoryShown();
    this.markRead(channel);
  }

  // The newest page of a conversation, fetched once even when asked for twice at once.
  loadHistory(channel: string): Promise<void> {
    let loading = this.historyLoads.get(channel);
    if (!loading) {
      loading = this.fetchNewestPage(channel).finally(() => this.historyLoads.delete(channel));
      this.historyLoads.set(channel, loading);
    }
    return loading;
  }

  private async fetchNewestPage(channel: string) {
    const args = { channel, limit: kHistoryPageSize };
    const answer = await this.api.call<{ messages: Message[]; has_more: boolean }>(
      'conversations.history',
      args,
    );
    this.store.update((s) => ({
      ...s,
      histories: {
        ...s.histories,
        [channel]: r.mergeHistoryPage(
          s.histories[channel],
          answer.messages,
          answer.has_more,
          false,
        ),
      },
    }));
    for (const user of new Set(answer.messages.map((m) => m.user))) void this.ensureUser(user);
  }

  async loadOlder(channel: string, limit = kHistoryPageSize) {
    const history = this.store.get().histories[channel];
    if (!history?.has_more || history.messages.length === 0) return;
    const answer = await this.api.call<{ messages: Message[]; has_more: boolean }>(
      'conversations.history',
      { channel, limit, latest: history.messages[0].ts },
    );
    this.store.update((s) => ({
      ...s,
      histories: {
        ...s.histories,
        [channel]: r.mergeHistoryPage(s.histories[channel], answer.messages, answer.has_more, true),
      },
    }));
  }

  // Loads older pages until `ts` is loaded, for a permalink, so the list has no gap.
  // TODO(#4): a jump further back than kMaxJumpPages pages needs a list with gaps.
  async loadUntil(channel: string, ts: string) {
    for (let page = 0; page < kMaxJumpPages; page++) {
      const history = this.store.get().histories[channel];
      if (!history) await this.loadHistory(channel);
      const loaded = this.store.get().histories[channel];
      const oldest = loaded?.messages[0]?.ts;
      if (!loaded?.has_more || (oldest && r.compareTs(oldest, ts) <= 0)) return;
      await this.loadOlder(channel, kJumpPageSize);
    }
  }

  markRead(channel: string) {
    const state = this.store.get();
    const conversation = state.conversations[channel];
    const messages = state.histories[channel]?.messages ?? [];
    const latest = messages[messages.length - 1]?.ts;
    if (!conversation || !latest) return;
    const behind = r.compareTs(latest, conversation.last_read ?? '0') > 0;
    const counted = (conversation.unread_count ?? 0) + (conversation.mention_count ?? 0) > 0;
    if (!behind && !counted) return;
    this.store.update((s) => r.markRead(s, channel, latest, 0));
    this.api.call('conversations.mark', { channel, ts: latest }).catch(() => {});
  }

  async openThread(channel: string, ts: string) {
    const messages: Message[] = [];
    await this.api.paginate<Message>(
      'conversations.replies',
      { channel, ts, limit: 1000 },
      (page) => page.messages as Message[],
      (items) => messages.push(...items),
    );
    this.store.update((s) => ({
      ...s,
      threads: { ...s.threads, [threadKey(channel, ts)]: messages },
    }));
  }

  // -- Sending ------------------------------------------------------------------------------

  send(channel: string, text: string, thread_ts?: string) {
    const pending: PendingMessage = {
      client_msg_id: crypto.randomUUID(),
      channel,
      text,
      thread_ts,
      created_ms: Date.now(),
    };
    this.store.update((s) => r.addPending(s, pending));
    this.saveOutbox();
    void this.flushOutbox();
  }

  retry(clientMsgId: string) {
    this.store.update((s) => ({
      ...s,
      pending: s.pending.map((p) =>
        p.client_msg_id === clientMsgId ? { ...p, failed: undefined } : p,
      ),
    }));
    void this.flushOutbox();
  }

  discard(clientMsgId: string) {
    this.store.update((s) => r.resolvePending(s, clientMsgId));
    this.saveOutbox();
  }

  private saveOutbox() {
    saveOutbox(this.saved.user_id, this.store.get().pending);
  }

  // Sends queued messages one at a time, in order. The client_msg_id makes a retry after a
  // lost answer return the stored message instead of posting it twice.
  async flushOutbox() {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (;;) {
        const next = this.store.get().pending.find((p) => !p.failed);
        if (!next) break;
        try {
          const answer = await this.api.call<{ channel: string; message: Message }>(
            'chat.postMessage',
            {
              channel: next.channel,
              text: next.text,
              thread_ts: next.thread_ts,
              client_msg_id: next.client_msg_id,
            },
          );
          const message = { ...answer.message, client_msg_id: next.client_msg_id };
          this.store.update((s) => r.receiveMessage(s, answer.channel, message));
          if (answer.channel === this.current) this.markRead(answer.channel);
        } catch (error) {
          if (error instanceof NetworkError) break;
          const name = error instanceof ApiError ? error.error : String(error);
          this.store.update((s) => r.failPending(s, next.client_msg_id, name));
        }
        this.saveOutbox();
      }
    } finally {
      this.flushing = false;
    }
  }

  typing(channel: string) {
    if (Date.now() - this.lastTypingSent < 3000) return;
    this.lastTypingSent = Date.now();
    this.rtm.send({ type: 'typing', channel });
  }

  // -- Message actions ----------------------------------------------------------------------

  edit(channel: string, ts: string, text: string) {
    return this.api.call('chat.update', { channel, ts, text });
  }

  remove(channel: string, ts: string) {
    return this.api.call('chat.delete', { channel, ts });
  }

  async toggleReaction(channel: string, message: Message, name: string) {
    const mine = message.reactions
      ?.find((x) => x.name === name)
      ?.users.includes(this.saved.user_id);
    await this.api
      .call(mine ? 'reactions.remove' : 'reactions.add', { channel, timestamp: message.ts, name })
      .catch(() => {});
  }

  async togglePin(channel: string, message: Message) {
    const pinned = (message.pinned_to ?? []).includes(channel);
    await this.api.call(pinned ? 'pins.remove' : 'pins.add', { channel, timestamp: message.ts });
  }

  async permalink(channel: string, ts: string): Promise<string> {
    const answer = await this.api.call<{ permalink: string }>('chat.getPermalink', {
      channel,
      message_ts: ts,
    });
    return answer.permalink;
  }

  // -- Conversations: create, join, leave ---------------------------------------------------

  private adopt(conversation: Conversation) {
    this.store.update((s) => r.addConversation(s, conversation));
    return conversation.id;
  }

  async createChannel(name: string, isPrivate: boolean) {
    const { channel } = await this.api.call<{ channel: Conversation }>('conversations.create', {
      name,
      is_private: isPrivate,
    });
    return this.adopt(channel);
  }

  async join(channel: string) {
    const answer = await this.api.call<{ channel: Conversation }>('conversations.join', {
      channel,
    });
    return this.adopt(answer.channel);
  }

  async openDm(users: string[]) {
    const { channel } = await this.api.call<{ channel: Conversation }>('conversations.open', {
      users: users.join(','),
    });
    return this.adopt({ ...channel, is_open: true });
  }

  async leave(channel: string) {
    await this.api.call('conversations.leave', { channel });
    this.store.update((s) => r.removeConversation(s, channel));
  }

  async archive(channel: string) {
    await this.api.call('conversations.archive', { channel });
  }

  async listPublicChannels(): Promise<Conversation[]> {
    const all: Conversation[] = [];
    await this.api.paginate<Conversation>(
      'conversations.list',
      { exclude_archived: true, limit: 1000 },
      (page) => page.channels as Conversation[],
      (items) => all.push(...items),
    );
    return all;
  }

  // -- The person ---------------------------------------------------------------------------

  async setProfile(profile: Record<string, string>) {
    await this.api.call('users.profile.set', { profile });
    const { user } = await this.api.call<{ user: User }>('users.info', {
      user: this.saved.user_id,
    });
    this.store.update((s) => r.addUsers(s, [user]));
  }

  async setAway(away: boolean) {
    await this.api.call('users.setPresence', { presence: away ? 'away' : 'auto' });
    this.store.update((s) =>
      r.applyEvent(s, {
        type: 'presence_change',
        user: this.saved.user_id,
        presence: away ? 'away' : 'active',
      }),
    );
  }

  async invite(): Promise<string> {
    const { invite } = await this.api.call<{ invite: { url: string } }>('invites.create', {
      max_uses: 100,
    });
    return invite.url;
  }

  async signOut() {
    await this.api.call('auth.signout').catch(() => {});
    this.stop();
    this.onSignedOut();
  }
}
