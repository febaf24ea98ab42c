// The shapes of Parley's Web API objects that the client reads (see docs/api.md, "Object
// shapes"). Only the fields the client uses are named; the server sends more.

export interface Profile {
  real_name: string;
  display_name: string;
  status_text: string;
  status_emoji: string;
  image_original?: string;
  image_72?: string;
  email?: string;
}

export interface User {
  id: string;
  team_id: string;
  name: string;
  real_name: string;
  deleted: boolean;
  is_admin: boolean;
  is_owner: boolean;
  is_restricted: boolean;
  is_bot: boolean;
  profile: Profile;
}

export interface Team {
  id: string;
  name: string;
  domain: string;
}

export interface Conversation {
  id: string;
  name?: string;
  created: number;
  creator?: string;
  is_archived: boolean;
  is_channel: boolean;
  is_im: boolean;
  is_mpim: boolean;
  is_private: boolean;
  is_general?: boolean;
  is_member?: boolean;
  is_open?: boolean;
  user?: string;
  num_members?: number;
  topic?: { value: string };
  purpose?: { value: string };
  last_read?: string;
  unread_count?: number;
  mention_count?: number;
}

export interface Reaction {
  name: string;
  users: string[];
  count: number;
}

export interface Message {
  type: 'message';
  ts: string;
  user: string;
  text: string;
  subtype?: string;
  client_msg_id?: string;
  thread_ts?: string;
  edited?: { user: string; ts: string };
  reactions?: Reaction[];
  pinned_to?: string[];
  reply_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  hidden?: boolean;
  parent_user_id?: string;
}

// A real-time event frame (docs/realtime.md). The fields present depend on `type`.
export interface RtmEvent {
  type: string;
  subtype?: string;
  resume_cursor?: string;
  reason?: string;
  channel?: string | Conversation;
  channel_id?: string;
  user?: string | User;
  users?: string[];
  presence?: string;
  ts?: string;
  deleted_ts?: string;
  text?: string;
  thread_ts?: string;
  client_msg_id?: string;
  message?: Message;
  previous_message?: Message;
  reaction?: string;
  item?: { type: string; channel: string; ts: string; message?: Message };
  unread_count_display?: number;
  reply_to?: number;
  [key: string]: unknown;
}

export interface BootResponse {
  self: User;
  team: Team;
  channels: Conversation[];
  users: User[];
}

export interface SignInResponse {
  token: string;
  user_id: string;
  team_id: string;
}
