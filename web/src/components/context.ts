import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Session } from '../state/session';
import type { Names } from '../render/render';
import type { State } from '../state/model';
import { userName } from '../state/reducers';

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  return useContext(SessionContext)!;
}

// How message text names people and channels, from what the client knows.
export function namesFor(state: State): Names {
  return {
    user: (id) => userName(state, id),
    channel: (id) => state.conversations[id]?.name ?? id,
    isSelf: (id) => id === state.self?.id,
  };
}
