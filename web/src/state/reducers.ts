// Pure state transitions: every change the client makes to what it shows goes through one of
// these functions, so the rules (ordering, de-duplication, unread counting) are unit-tested
// without a browser (reducers.test.ts).
import type { Conversation, Message, RtmEvent, User } from '../api/types';
import { threadKey, type History, type PendingMessage, type State } from './model';

// Compares two Slack timestamps ("<seconds>.<micros>") exactly; doubles lose the last digit.
export function compareTs(a: string, b: string): number {
  const [aw = '0', af = ''] = a.split('.');
  const [bw = '0', bf = ''] = b.split('.');
  const as = aw.replace(/^0+(?=\d)/, '');
  const bs = bw.replace(/^0+(?=\d)/, '');
  if (as.length !== bs.length) return as.length - bs.length;
  if (as !== bs) return as < bs ? -1 : 1;
  const fa = af.padEnd(6, '0');
  const fb = bf.padEnd(6, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

// Inserts or replaces (same ts) a message in a list kept oldest first.
export function upsertMessage(list: Message[], message: Message): Message[] {
  let index = list.length;
  while (index > 0 && compareTs(list[index - 1].ts, message.ts) > 0) index--;
  const next = list.slice();
  if (index > 0 && list[index - 1].ts === message.ts) next[index - 1] = message;
  else next.splice(index, 0, message);
  return next;
}

export function updateMessage(
  list: Message[],
  ts: string,
  change: (message: Message) => Message | null,
): Message[] {
  const index = list.findIndex((m) => m.ts === ts);
  if (index < 0) return list;
  const changed = change(list[index]);
  const next = list.slice();
  if (changed) next[index] = changed;
  else next.splice(index, 1);
  return next;
}

// A page of history from conversations.history (newest first) merged into what is loaded.
export function mergeHistoryPage(
  history: History | undefined,
  page: Message[],
  hasMore: boolean,
  older: boolean,
): History {
  let messages = history?.messages ?? [];
  for (const message of page) messages = upsertMessage(messages, message);
  const has_more = older || !history?.loaded ? hasMore : history.has_more;
  return { messages, has_more, loaded: true };
}

// Whether a message text mentions this user the way the server counts mention_count.
export function mentions(text: string, selfId: string): boolean {
  return (
    text.includes(`<@${selfId}>`) ||
    text.includes(`<@${selfId}|`) ||
    /<!(channel|here|everyone)(\|[^>]*)?>/.test(text)
  );
}

function withConversation(state: State, id: string, change: Partial<Conversation>): State {
  const current = state.conversations[id];
  if (!current) return state;
  return { ...state, conversations: { ...state.conversations, [id]: { ...current, ...change } } };
}

function withHistory(state: State, channel: string, change: (h: History) => History): State {
  const history = state.histories[channel];
  if (!history) return state;
  return { ...state, histories: { ...state.histories, [channel]: change(history) } };
}

function withThread(state: State, key: string, change: (list: Message[]) => Message[]): State {
  const thread = state.threads[key];
  if (!thread) return state;
  return { ...state, threads: { ...state.threads, [key]: change(thread) } };
}

// Applies one change to a message wherever it is shown: history and any open thread.
function changeMessageEverywhere(
  state: State,
  channel: string,
  ts: string,
  change: (message: Message) => Message | null,
): State {
  let next = withHistory(state, channel, (h) => ({
    ...h,
    messages: updateMessage(h.messages, ts, change),
  }));
  for (const key of Object.keys(next.threads)) {
    if (key.startsWith(`${channel}/`)) {
      next = withThread(next, key, (list) => updateMessage(list, ts, change));
    }
  }
  return next;
}

export function addPending(state: State, pending: PendingMessage): State {
  return { ...state, pending: [...state.pending, pending] };
}

export function resolvePending(state: State, clientMsgId: string | undefined): State {
  if (!clientMsgId || !state.pending.some((p) => p.client_msg_id === clientMsgId)) return state;
  return { ...state, pending: state.pending.filter((p) => p.client_msg_id !== clientMsgId) };
}

export function failPending(state: State, clientMsgId: string, error: string): State {
  return {
    ...state,
    pending: state.pending.map((p) =>
      p.client_msg_id === clientMsgId ? { ...p, failed: error } : p,
    ),
  };
}

const isTopLevel = (m: { ts?: string; thread_ts?: string; subtype?: string }) =>
  !m.thread_ts || m.thread_ts === m.ts || m.subtype === 'thread_broadcast';

// A message the server stored, from a post's answer or from a real-time event. `isNew` says
// whether it may raise unread counts (false for the poster's own answer).
export function receiveMessage(state: State, channel: string, message: Message): State {
  let next = resolvePending(state, message.client_msg_id);
  const history = next.histories[channel];
  const alreadyShown = history?.messages.some((m) => m.ts === message.ts) ?? false;

  if (isTopLevel(message)) {
    next = withHistory(next, channel, (h) => ({
      ...h,
      messages: upsertMessage(h.messages, message),
    }));
  }
  if (message.thread_ts) {
    next = withThread(next, threadKey(channel, message.thread_ts), (list) =>
      upsertMessage(list, message),
    );
  }

  const conversation = next.conversations[channel];
  const selfId = next.self?.id;
  const fromOther = message.user !== selfId;
  const unread = conversation && compareTs(message.ts, conversation.last_read ?? '0') > 0;
  if (conversation && fromOther && unread && !alreadyShown) {
    next = withConversation(next, channel, {
      unread_count: (conversation.unread_count ?? 0) + (isTopLevel(message) ? 1 : 0),
      mention_count:
        (conversation.mention_count ?? 0) +
        (selfId && (conversation.is_im || mentions(message.text ?? '', selfId)) ? 1 : 0),
      is_open: true,
    });
  }
  return next;
}

// The read position moved (here or in another tab): counts drop to what the server says.
export function markRead(state: State, channel: string, ts: string, unread?: number): State {
  const conversation = state.conversations[channel];
  if (!conversation) return state;
  const after = (state.histories[channel]?.messages ?? []).filter(
    (m) => compareTs(m.ts, ts) > 0 && m.user !== state.self?.id,
  );
  const selfId = state.self?.id ?? '';
  return withConversation(state, channel, {
    last_read: ts,
    unread_count: unread ?? after.length,
    mention_count: after.filter((m) => conversation.is_im || mentions(m.text, selfId)).length,
  });
}

function changeReaction(message: Message, name: string, user: string, add: boolean): Message {
  const reactions = (message.reactions ?? []).map((r) => ({ ...r, users: [...r.users] }));
  let reaction = reactions.find((r) => r.name === name);
  if (add) {
    if (!reaction) reactions.push((reaction = { name, users: [], count: 0 }));
    if (!reaction.users.includes(user)) reaction.users.push(user);
  } else if (reaction) {
    reaction.users = reaction.users.filter((u) => u !== user);
  }
  for (const r of reactions) r.count = r.users.length;
  return { ...message, reactions: reactions.filter((r) => r.count > 0) };
}

export function addConversation(state: State, conversation: Conversation): State {
  const known = state.conversations[conversation.id];
  return {
    ...state,
    conversations: {
      ...state.conversations,
      [conversation.id]: { ...known, ...conversation, is_member: true },
    },
  };
}

export function removeConversation(state: State, id: string): State {
  if (!state.conversations[id]) return state;
  const conversations = { ...state.conversations };
  delete conversations[id];
  return { ...state, conversations };
}

export function addUsers(state: State, users: User[]): State {
  if (users.length === 0) return state;
  const next = { ...state.users };
  for (const user of users) next[user.id] = user;
  const self = state.self && next[state.self.id] ? next[state.self.id] : state.self;
  return { ...state, users: next, self };
}

const channelId = (event: RtmEvent): string =>
  typeof event.channel === 'string' ? event.channel : (event.channel?.id ?? '');

// Applies one real-time event. Unknown events leave the state as it is.
export function applyEvent(state: State, event: RtmEvent, nowMs = Date.now()): State {
  const channel = channelId(event);
  switch (event.type) {
    case 'message':
      return applyMessageEvent(state, event, channel);
    case 'reaction_added':
    case 'reaction_removed': {
      const item = event.item;
      if (!item || typeof event.user !== 'string') return state;
      const user = event.user;
      return changeMessageEverywhere(state, item.channel, item.ts, (m) =>
        changeReaction(m, String(event.reaction), user, event.type === 'reaction_added'),
      );
    }
    case 'pin_added':
    case 'pin_removed': {
      const where = event.channel_id ?? '';
      const ts = event.item?.message?.ts ?? event.item?.ts ?? '';
      return changeMessageEverywhere(state, where, ts, (m) => ({
        ...m,
        pinned_to: event.type === 'pin_added' ? [where] : [],
      }));
    }
    case 'channel_marked':
    case 'im_marked':
    case 'group_marked':
      return markRead(state, channel, event.ts ?? '0', event.unread_count_display);
    case 'channel_joined':
    case 'group_joined':
    case 'im_created':
    case 'mpim_joined':
      return typeof event.channel === 'object' ? addConversation(state, event.channel) : state;
    case 'channel_left':
    case 'group_left':
      return removeConversation(state, channel);
    case 'channel_archive':
    case 'group_archive':
      return withConversation(state, channel, { is_archived: true });
    case 'channel_unarchive':
    case 'group_unarchive':
      return withConversation(state, channel, { is_archived: false });
    case 'channel_rename':
    case 'group_rename':
      return typeof event.channel === 'object'
        ? withConversation(state, channel, { name: event.channel.name })
        : state;
    case 'user_change':
    case 'team_join':
      return typeof event.user === 'object' ? addUsers(state, [event.user]) : state;
    case 'presence_change': {
      const users = event.users ?? (typeof event.user === 'string' ? [event.user] : []);
      const presence = { ...state.presence };
      for (const user of users) presence[user] = event.presence === 'active' ? 'active' : 'away';
      return { ...state, presence };
    }
    case 'user_typing': {
      if (typeof event.user !== 'string') return state;
      const typing = { ...state.typing, [channel]: { ...state.typing[channel] } };
      typing[channel][event.user] = nowMs + 5000;
      return { ...state, typing };
    }
    default:
      return state;
  }
}

function applyMessageEvent(state: State, event: RtmEvent, channel: string): State {
  switch (event.subtype) {
    case 'message_changed':
    case 'message_replied': {
      const message = event.message;
      if (!message) return state;
      return changeMessageEverywhere(state, channel, message.ts, (m) => ({ ...m, ...message }));
    }
    case 'message_deleted':
      return changeMessageEverywhere(state, channel, event.deleted_ts ?? '', () => null);
    default: {
      const { type: _type, resume_cursor: _cursor, channel: _channel, ...rest } = event;
      const message = { ...rest, type: 'message' } as unknown as Message;
      const next = receiveMessage(state, channel, message);
      return stopTyping(next, channel, message.user);
    }
  }
}

function stopTyping(state: State, channel: string, user: string): State {
  if (!state.typing[channel]?.[user]) return state;
  const forChannel = { ...state.typing[channel] };
  delete forChannel[user];
  return { ...state, typing: { ...state.typing, [channel]: forChannel } };
}

// The people typing in a conversation right now, the caller excluded.
export function typingIn(state: State, channel: string, nowMs = Date.now()): string[] {
  const typing = state.typing[channel] ?? {};
  return Object.keys(typing).filter((u) => typing[u] > nowMs && u !== state.self?.id);
}

// What the sidebar and the switcher call a conversation.
export function conversationName(state: State, conversation: Conversation): string {
  if (conversation.is_im) return userName(state, conversation.user ?? '');
  if (conversation.is_mpim) {
    return (conversation.name ?? '')
      .replace(/^mpdm-/, '')
      .replace(/-\d+$/, '')
      .split('--')
      .join(', ');
  }
  return conversation.name ?? conversation.id;
}

export function userName(state: State, id: string): string {
  const user = state.users[id];
  if (!user) return id;
  return user.profile?.display_name || user.real_name || user.name;
}

// One collator for every sort: String.localeCompare builds one per call, which costs
// tens of milliseconds when sorting a thousand channels.
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

export interface SidebarSections {
  channels: Conversation[];
  direct: Conversation[];
}

// Channels (public and private) by name; DMs with unread ones first, then by name. Closed
// DMs and archived channels without unread messages are left out.
export function sidebarSections(state: State): SidebarSections {
  const channels: Conversation[] = [];
  const direct: Conversation[] = [];
  for (const conversation of Object.values(state.conversations)) {
    if (conversation.is_member === false) continue;
    if (conversation.is_im || conversation.is_mpim) {
      if (conversation.is_open !== false || (conversation.unread_count ?? 0) > 0) {
        direct.push(conversation);
      }
    } else if (!conversation.is_archived) {
      channels.push(conversation);
    }
  }
  const byName = (a: Conversation, b: Conversation) =>
    collator.compare(conversationName(state, a), conversationName(state, b));
  channels.sort(byName);
  direct.sort(byName);
  return { channels, direct };
}

// The sidebar's order as one list, for Alt+Up/Down.
export function sidebarOrder(state: State): string[] {
  const { channels, direct } = sidebarSections(state);
  return [...channels, ...direct].map((c) => c.id);
}
