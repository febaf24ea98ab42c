// Finds people by handle and channels by name in what the client knows, for turning typed
// @names and #names into mentions.
import type { Lookup } from '../render/outgoing';
import type { State } from '../state/model';

export function lookupFor(state: State): Lookup {
  return {
    userByHandle: (handle) => Object.values(state.users).find((u) => u.name === handle)?.id,
    channelByName: (name) =>
      Object.values(state.conversations).find((c) => c.name === name && !c.is_mpim)?.id,
  };
}
