// One open conversation: its header, the message list, who is typing, and the composer.
import { useState } from 'preact/hooks';
import type { State } from '../state/model';
import { conversationName, typingIn, userName } from '../state/reducers';
import { useSession } from './context';
import { Composer } from './Composer';
import type { DialogName } from './Dialogs';
import { MessageList } from './MessageList';

interface Props {
  state: State;
  channel: string;
  jumpTo?: string;
  onThread(ts: string): void;
  onDialog(name: DialogName): void;
}

export function ConversationView({ state, channel, jumpTo, onThread, onDialog }: Props) {
  const session = useSession();
  const conversation = state.conversations[channel];
  // The read position when the conversation was opened: the "new messages" line stays there
  // while the person reads, even though the server's read position moves on.
  const [readAtOpen] = useState(conversation.last_read ?? '0');
  const [editLast, setEditLast] = useState(0);

  const name = conversationName(state, conversation);
  const label = conversation.is_im ? name : `#${name}`;
  const typing = typingIn(state, channel).map((u) => userName(state, u));
  const isAdmin = state.self?.is_admin || state.self?.is_owner;
  const isChannel = !conversation.is_im && !conversation.is_mpim;

  return (
    <main class="conversation" aria-label={label}>
      <header class="conversation-header">
        <h2>{label}</h2>
        {conversation.topic?.value && <span class="topic">{conversation.topic.value}</span>}
        <div class="header-actions">
          <button class="link" onClick={() => session.markRead(channel)}>
            Mark as read
          </button>
          <button class="link" onClick={() => onDialog('pins')}>
            Pins
          </button>
          {isChannel && !conversation.is_general && (
            <button class="link" onClick={() => session.leave(channel)}>
              Leave
            </button>
          )}
          {isChannel && isAdmin && !conversation.is_general && (
            <button class="link" onClick={() => session.archive(channel)}>
              Archive
            </button>
          )}
        </div>
      </header>
      <MessageList
        state={state}
        channel={channel}
        readAtOpen={readAtOpen}
        jumpTo={jumpTo}
        editLast={editLast}
        onThread={onThread}
      />
      <div class="typing" aria-live="polite">
        {typing.length > 0 && `${typing.join(', ')} ${typing.length > 1 ? 'are' : 'is'} typing…`}
      </div>
      {conversation.is_archived ? (
        <p class="archived-note">This channel is archived.</p>
      ) : (
        <Composer
          state={state}
          channel={channel}
          label={`Message ${label}`}
          onEditLast={() => setEditLast((n) => n + 1)}
        />
      )}
    </main>
  );
}
