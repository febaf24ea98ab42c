// What the client keeps in localStorage across reloads: the session token, drafts per
// conversation and the outbox of messages not yet confirmed by the server.
import type { PendingMessage } from './model';

export interface SavedSession {
  token: string;
  user_id: string;
  team_id: string;
}

const kSessionKey = 'parley.session';

function read<T>(key: string): T | null {
  try {
    const text = localStorage.getItem(key);
    return text ? (JSON.parse(text) as T) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown) {
  try {
    if (value === null || value === '') localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled (private mode): drafts then live only as long as the page.
  }
}

export const loadSession = () => read<SavedSession>(kSessionKey);
export const saveSession = (session: SavedSession | null) => write(kSessionKey, session);

// A draft belongs to one person and one place: a conversation, or a thread in it.
const draftKey = (user: string, place: string) => `parley.draft.${user}.${place}`;
export const loadDraft = (user: string, place: string) => read<string>(draftKey(user, place)) ?? '';
export const saveDraft = (user: string, place: string, text: string) =>
  write(draftKey(user, place), text);

const outboxKey = (user: string) => `parley.outbox.${user}`;
export const loadOutbox = (user: string) => read<PendingMessage[]>(outboxKey(user)) ?? [];
export const saveOutbox = (user: string, outbox: PendingMessage[]) =>
  write(outboxKey(user), outbox.length ? outbox : null);

const kThemeKey = 'parley.theme';
export const loadTheme = () => read<'light' | 'dark'>(kThemeKey);
export const saveTheme = (theme: 'light' | 'dark') => write(kThemeKey, theme);

const lastKey = (user: string) => `parley.last.${user}`;
export const loadLastConversation = (user: string) => read<string>(lastKey(user));
export const saveLastConversation = (user: string, channel: string) =>
  write(lastKey(user), channel);
