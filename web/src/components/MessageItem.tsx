// One message: avatar, name, time, text, reactions, thread summary, and the actions a person
// may take on it (react, reply, edit, delete, pin, copy link).
import { useState } from 'preact/hooks';
import type { Message } from '../api/types';
import { emoji } from '../render/emoji';
import { toMrkdwn } from '../render/outgoing';
import { Mrkdwn } from '../render/render';
import { statusEmoji, statusLine } from '../render/status';
import { toTyped } from '../render/typed';
import type { PendingMessage, State } from '../state/model';
import { userName } from '../state/reducers';
import { Avatar } from './Avatar';
import { namesFor, useSession } from './context';
import { EmojiPicker } from './EmojiPicker';
import { lookupFor } from './lookup';

// One formatter for every message: toLocaleTimeString builds a new one per call, which
// costs about a millisecond each on a first screen of fifty messages.
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const timeOf = (ts: string) => timeFormat.format(Number(ts.split('.')[0]) * 1000);

interface Props {
  state: State;
  channel: string;
  message: Message;
  compact: boolean;
  editing: boolean;
  inThread?: boolean;
  onEdit(on: boolean): void;
  onThread?(ts: string): void;
}

export function MessageItem(props: Props) {
  const { state, channel, message, compact, editing, inThread } = props;
  const session = useSession();
  const [picker, setPicker] = useState(false);
  const [notice, setNotice] = useState('');
  const user = state.users[message.user];
  const selfId = state.self?.id ?? '';
  const mine = message.user === selfId;
  const isAdmin = state.self?.is_admin || state.self?.is_owner;
  const pinned = (message.pinned_to ?? []).includes(channel);
  const tombstone = message.subtype === 'tombstone';

  const copyLink = async () => {
    const link = await session.permalink(channel, message.ts);
    await navigator.clipboard?.writeText(link).catch(() => {});
    setNotice('Link copied');
    setTimeout(() => setNotice(''), 2000);
  };

  const remove = async () => {
    if (confirm('Delete this message?')) await session.remove(channel, message.ts);
  };

  return (
    <article
      class={['message', compact && 'compact', picker && 'raised'].filter(Boolean).join(' ')}
      data-ts={message.ts}
      aria-label={`${userName(state, message.user)} at ${timeOf(message.ts)}`}
    >
      <div class="gutter">
        {compact ? <time class="hover-time">{timeOf(message.ts)}</time> : <Avatar user={user} />}
      </div>
      <div class="body">
        {!compact && (
          <div class="meta">
            <span class="author">{tombstone ? '' : userName(state, message.user)}</span>
            {!tombstone && statusEmoji(user?.profile) && (
              <span class="author-status" title={statusLine(user?.profile)}>
                {statusEmoji(user?.profile)}
              </span>
            )}
            <time dateTime={new Date(Number(message.ts) * 1000).toISOString()}>
              {timeOf(message.ts)}
            </time>
            {pinned && <span class="pinned">📌 pinned</span>}
          </div>
        )}
        {editing ? (
          <EditBox
            state={state}
            initial={toTyped(message.text, (id) => state.users[id]?.name ?? id)}
            onSave={async (text) => {
              await session.edit(channel, message.ts, text);
              props.onEdit(false);
            }}
            onCancel={() => props.onEdit(false)}
          />
        ) : (
          <div class={tombstone ? 'text deleted' : 'text'}>
            <Mrkdwn text={message.text ?? ''} names={namesFor(state)} />
            {message.edited && <span class="edited">(edited)</span>}
          </div>
        )}
        {(message.reactions?.length ?? 0) > 0 && (
          <div class="reactions">
            {message.reactions!.map((r) => (
              <button
                key={r.name}
                class={r.users.includes(selfId) ? 'reaction mine' : 'reaction'}
                aria-pressed={r.users.includes(selfId)}
                aria-label={`${r.name} reaction, ${r.count}`}
                title={r.users.map((u) => userName(state, u)).join(', ')}
                onClick={() => session.toggleReaction(channel, message, r.name)}
              >
                {emoji[r.name] ?? `:${r.name}:`} {r.count}
              </button>
            ))}
          </div>
        )}
        {!inThread && (message.reply_count ?? 0) > 0 && (
          <button class="thread-summary link" onClick={() => props.onThread?.(message.ts)}>
            {message.reply_count} {message.reply_count === 1 ? 'reply' : 'replies'}
          </button>
        )}
        {notice && (
          <span class="notice" role="status">
            {notice}
          </span>
        )}
      </div>
      {!tombstone && !editing && (
        <div class="actions" role="toolbar" aria-label="Message actions">
          <button onClick={() => setPicker(!picker)} aria-label="Add reaction" title="React">
            ☺
          </button>
          {!inThread && (
            <button onClick={() => props.onThread?.(message.ts)} aria-label="Reply in thread">
              💬
            </button>
          )}
          {mine && (
            <button onClick={() => props.onEdit(true)} aria-label="Edit message">
              ✎
            </button>
          )}
          {(mine || isAdmin) && (
            <button onClick={remove} aria-label="Delete message">
              🗑
            </button>
          )}
          <button
            onClick={() => session.togglePin(channel, message)}
            aria-label={pinned ? 'Unpin message' : 'Pin message'}
          >
            📌
          </button>
          <button onClick={copyLink} aria-label="Copy link">
            🔗
          </button>
        </div>
      )}
      {picker && (
        <EmojiPicker
          onClose={() => setPicker(false)}
          onPick={(name) => {
            setPicker(false);
            void session.toggleReaction(channel, message, name);
          }}
        />
      )}
    </article>
  );
}

function EditBox(props: {
  state: State;
  initial: string;
  onSave(text: string): Promise<void>;
  onCancel(): void;
}) {
  const [text, setText] = useState(props.initial);
  const save = () => props.onSave(toMrkdwn(text, lookupFor(props.state)));
  return (
    <div class="edit-box">
      <textarea
        aria-label="Edit message"
        value={text}
        ref={(el) => el?.focus()}
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            void save();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            props.onCancel();
          }
        }}
      />
      <div class="edit-actions">
        <button onClick={props.onCancel}>Cancel</button>
        <button class="primary" onClick={save}>
          Save
        </button>
      </div>
    </div>
  );
}

export function PendingItem({ state, pending }: { state: State; pending: PendingMessage }) {
  const session = useSession();
  return (
    <article class="message pending" data-client-msg-id={pending.client_msg_id}>
      <div class="gutter">
        <Avatar user={state.self ?? undefined} />
      </div>
      <div class="body">
        <div class="meta">
          <span class="author">{userName(state, state.self?.id ?? '')}</span>
          <span class="sending">
            {pending.failed ? `Not sent (${pending.failed})` : 'Sending…'}
          </span>
        </div>
        <div class="text">
          <Mrkdwn text={pending.text} names={namesFor(state)} />
        </div>
        {pending.failed && (
          <div>
            <button class="link" onClick={() => session.retry(pending.client_msg_id)}>
              Retry
            </button>
            <button class="link" onClick={() => session.discard(pending.client_msg_id)}>
              Discard
            </button>
          </div>
        )}
      </div>
    </article>
  );
}
