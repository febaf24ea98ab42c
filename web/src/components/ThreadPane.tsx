// A thread beside the conversation: the parent, its replies, and a composer for replying.
import { useEffect, useState } from 'preact/hooks';
import { threadKey, type State } from '../state/model';
import { Composer } from './Composer';
import { useSession } from './context';
import { MessageItem, PendingItem } from './MessageItem';
import type { OpenThread } from './Workspace';

interface Props {
  state: State;
  thread: OpenThread;
  onClose(): void;
}

export function ThreadPane({ state, thread, onClose }: Props) {
  const session = useSession();
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState('');
  const messages = state.threads[threadKey(thread.channel, thread.ts)];
  const pending = state.pending.filter(
    (p) => p.channel === thread.channel && p.thread_ts === thread.ts,
  );

  useEffect(() => {
    session.openThread(thread.channel, thread.ts).catch((e) => setError(String(e)));
  }, [thread.channel, thread.ts]);

  return (
    <aside class="thread-pane" aria-label="Thread">
      <header class="conversation-header">
        <h2>Thread</h2>
        <button class="icon" onClick={onClose} aria-label="Close thread">
          ✕
        </button>
      </header>
      <div class="thread-messages" role="log" aria-label="Thread messages">
        {error && <p role="alert">{error}</p>}
        {messages?.map((message) => (
          <MessageItem
            key={message.ts}
            state={state}
            channel={thread.channel}
            message={message}
            compact={false}
            inThread
            editing={editing === message.ts}
            onEdit={(on) => setEditing(on ? message.ts : null)}
          />
        ))}
        {messages && messages.length > 1 && <hr aria-hidden="true" />}
        {pending.map((p) => (
          <PendingItem key={p.client_msg_id} state={state} pending={p} />
        ))}
      </div>
      <Composer
        state={state}
        channel={thread.channel}
        threadTs={thread.ts}
        label="Reply in thread"
      />
    </aside>
  );
}
