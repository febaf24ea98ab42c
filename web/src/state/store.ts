// Holds the current State and tells subscribers (the views) after each change.
import { useEffect, useState } from 'preact/hooks';
import { emptyState, type State } from './model';

export class Store {
  private state: State = emptyState;
  private readonly listeners = new Set<() => void>();
  private scheduled = false;

  get(): State {
    return this.state;
  }

  update(change: (state: State) => State) {
    const next = change(this.state);
    if (next === this.state) return;
    this.state = next;
    this.schedule();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // Bursts of events (a replay after reconnecting) render once, not once per event.
  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      for (const listener of this.listeners) listener();
    });
  }
}

// Re-renders the calling component whenever the store changes.
export function useStore(store: Store): State {
  const [state, setState] = useState(store.get());
  useEffect(() => {
    setState(store.get());
    return store.subscribe(() => setState(store.get()));
  }, [store]);
  return state;
}
