// The signed-in screen: sidebar, the open conversation, an optional thread pane, and the
// dialogs. It owns which conversation is open (from the URL) and the keyboard shortcuts.
import { useEffect, useState } from 'preact/hooks';
import { navigate, useRoute } from '../router';
import type { Session } from '../state/session';
import { sidebarOrder } from '../state/reducers';
import { useStore } from '../state/store';
import { ConversationView } from './ConversationView';
import { SessionContext } from './context';
import { Dialogs, type DialogName } from './Dialogs';
import { QuickSwitcher } from './QuickSwitcher';
import { Sidebar } from './Sidebar';
import { ThreadPane } from './ThreadPane';

export interface OpenThread {
  channel: string;
  ts: string;
}

export function Workspace({ session }: { session: Session }) {
  const state = useStore(session.store);
  const route = useRoute();
  const [thread, setThread] = useState<OpenThread | null>(null);
  const [dialog, setDialog] = useState<DialogName | null>(null);
  const [switcher, setSwitcher] = useState(false);

  const team = state.team?.id ?? session.saved.team_id;
  const wanted = route.kind === 'client' ? route.channel : undefined;
  const current = wanted ?? (state.self ? session.initialConversation() : undefined);
  const jumpTo = route.kind === 'client' ? route.ts : undefined;

  const open = (channel: string) => navigate(`/client/${team}/${channel}`);

  useEffect(() => {
    if (!state.self || !current) return;
    if (route.kind !== 'client' || !route.channel) navigate(`/client/${team}/${current}`, true);
    session.setCurrent(current);
  }, [current, state.self?.id]);

  // A thread belongs to its conversation: it closes when another one opens.
  useEffect(() => {
    if (thread && thread.channel !== current) setThread(null);
  }, [current]);

  useEffect(() => {
    if (route.kind === 'client' && route.thread && route.channel) {
      setThread({ channel: route.channel, ts: route.thread });
    }
  }, [route]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setSwitcher(true);
      } else if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
        event.preventDefault();
        const order = sidebarOrder(session.store.get());
        const at = order.indexOf(current ?? '');
        const step = event.key === 'ArrowUp' ? -1 : 1;
        const next = order[(at + step + order.length) % order.length];
        if (next) open(next);
      } else if (event.key === 'Escape' && !event.defaultPrevented) {
        if (switcher) setSwitcher(false);
        else if (dialog) setDialog(null);
        else if (thread) setThread(null);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [current, switcher, dialog, thread]);

  if (!state.self) {
    return (
      <main class="center-screen" aria-busy="true">
        Loading…
      </main>
    );
  }

  return (
    <SessionContext.Provider value={session}>
      <div class={thread ? 'workspace with-thread' : 'workspace'}>
        {state.connection !== 'online' && (
          <div class="connection-banner" role="status">
            {state.connection === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
          </div>
        )}
        <Sidebar state={state} current={current} onOpen={open} onDialog={setDialog} />
        {current && state.conversations[current] ? (
          <ConversationView
            key={current}
            state={state}
            channel={current}
            jumpTo={jumpTo}
            onThread={(ts) => setThread({ channel: current, ts })}
            onDialog={setDialog}
          />
        ) : (
          <main class="conversation empty">
            <p>{current ? 'You are not in this conversation.' : 'Pick a conversation.'}</p>
            {current?.startsWith('C') && (
              <button onClick={() => session.join(current)}>Join this channel</button>
            )}
          </main>
        )}
        {thread && (
          <ThreadPane
            key={`${thread.channel}/${thread.ts}`}
            state={state}
            thread={thread}
            onClose={() => setThread(null)}
          />
        )}
        {switcher && (
          <QuickSwitcher
            state={state}
            onClose={() => setSwitcher(false)}
            onOpen={(id) => {
              setSwitcher(false);
              open(id);
            }}
          />
        )}
        {dialog && (
          <Dialogs
            name={dialog}
            state={state}
            current={current}
            onClose={() => setDialog(null)}
            onOpen={(id) => {
              setDialog(null);
              open(id);
            }}
          />
        )}
      </div>
    </SessionContext.Provider>
  );
}
