// The client's whole state, as plain data. Pure functions in reducers.ts turn one state into
// the next; the Store (store.ts) holds the current one and tells the views when it changes.
import type { ConnectionState } from '../api/realtime';
import type { Conversation, Message, Team, User } from '../api/types';

// A message the person sent that the server has not confirmed yet (offline or in flight).
// It is shown at once, greyed out, and replaced by the stored message that carries the same
// client_msg_id, whether that arrives as the post's answer or as a real-time event.
export interface PendingMessage {
  client_msg_id: string;
  channel: string;
  text: string;
  thread_ts?: string;
  created_ms: number;
  failed?: string;
}

// The loaded part of one conversation's history, oldest first.
export interface History {
  messages: Message[];
  // True while older messages exist on the server that are not loaded yet.
  has_more: boolean;
  loaded: boolean;
}

export interface State {
  self: User | null;
  team: Team | null;
  users: Record<string, User>;
  conversations: Record<string, Conversation>;
  histories: Record<string, History>;
  // Thread replies (parent included, oldest first), keyed by threadKey(channel, ts).
  threads: Record<string, Message[]>;
  pending: PendingMessage[];
  presence: Record<string, 'active' | 'away'>;
  // user ids typing in each conversation, with the time their indicator lapses.
  typing: Record<string, Record<string, number>>;
  connection: ConnectionState;
}

export const emptyState: State = {
  self: null,
  team: null,
  users: {},
  conversations: {},
  histories: {},
  threads: {},
  pending: [],
  presence: {},
  typing: {},
  connection: 'connecting',
};

export const threadKey = (channel: string, ts: string) => `${channel}/${ts}`;
