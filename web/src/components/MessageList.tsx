// The history of one conversation, oldest at the top. The scroll box is laid out bottom-up
// (flex column-reverse), so it stays pinned to the newest message as messages arrive and keeps
// its place when older pages are added above. Only a window of the loaded messages is in the
// page (virtualised); scrolling near either end moves the window, and near the top of what is
// loaded it fetches the page before.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Message } from '../api/types';
import type { PendingMessage, State } from '../state/model';
import { compareTs } from '../state/reducers';
import { useSession } from './context';
import { MessageItem, PendingItem } from './MessageItem';

interface Props {
  state: State;
  channel: string;
  readAtOpen: string;
  jumpTo?: string;
  editLast: number;
  onThread(ts: string): void;
}

const kGroupGapSeconds = 5 * 60;
const kUsableMark = 'parley:usable';
// The list keeps at most this many messages in the page, however many are loaded: scrolling
// moves the window by kWindowStep, so a channel with tens of thousands stays light.
const kWindowSize = 200;
const kWindowStep = 60;

const dayOf = (ts: string) => new Date(Number(ts.split('.')[0]) * 1000).toDateString();

const dayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  month: 'long',
  day: 'numeric',
});

function dayLabel(ts: string): string {
  const date = new Date(Number(ts.split('.')[0]) * 1000);
  const today = new Date().toDateString();
  const yesterday = new Date(Date.now() - 86_400_000).toDateString();
  if (date.toDateString() === today) return 'Today';
  if (date.toDateString() === yesterday) return 'Yesterday';
  return dayFormat.format(date);
}

// Consecutive messages by one person within a few minutes show one name and avatar.
function continues(previous: Message | undefined, message: Message): boolean {
  if (!previous || previous.user !== message.user || previous.subtype === 'tombstone') return false;
  if (dayOf(previous.ts) !== dayOf(message.ts)) return false;
  return Number(message.ts) - Number(previous.ts) < kGroupGapSeconds;
}

export function MessageList({ state, channel, readAtOpen, jumpTo, editLast, onThread }: Props) {
  const session = useSession();
  const history = state.histories[channel];
  const scroller = useRef<HTMLDivElement>(null);
  const topSentinel = useRef<HTMLDivElement>(null);
  const bottomSentinel = useRef<HTMLDivElement>(null);
  const anchor = useRef<{ ts: string; top: number } | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  // The newest message in the window, or null while the window follows the newest message.
  const [endTs, setEndTs] = useState<string | null>(null);

  const messages = history?.messages ?? [];
  const pending = state.pending.filter((p) => p.channel === channel && !p.thread_ts);
  const selfId = state.self?.id;

  const found = endTs ? messages.findIndex((m) => m.ts === endTs) : -1;
  const endIndex = found >= 0 ? found + 1 : messages.length;
  const startIndex = Math.max(0, endIndex - kWindowSize);

  // Remembers where a message on screen is, so the view can stay put when rows come and go.
  const rememberAnchor = () => {
    const box = scroller.current;
    const first = box?.querySelector<HTMLElement>('.message[data-ts]');
    if (box && first) {
      anchor.current = { ts: first.dataset.ts!, top: first.getBoundingClientRect().top };
    }
  };

  const moveWindow = (newEnd: number) => {
    rememberAnchor();
    setEndTs(newEnd >= messages.length ? null : messages[Math.max(0, newEnd - 1)].ts);
  };

  useLayoutEffect(() => {
    const box = scroller.current;
    const saved = anchor.current;
    anchor.current = null;
    const element = saved && box?.querySelector<HTMLElement>(`[data-ts="${saved.ts}"]`);
    if (box && saved && element) box.scrollTop += element.getBoundingClientRect().top - saved.top;
  }, [startIndex, endIndex]);

  // Near the top: show older loaded messages, or fetch the page before them.
  const [loadingOlder, setLoadingOlder] = useState(false);
  useEffect(() => {
    if (!topSentinel.current || !scroller.current) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting) || loadingOlder) return;
        if (startIndex > 0) {
          moveWindow(Math.max(kWindowSize, endIndex - kWindowStep));
          return;
        }
        setLoadingOlder(true);
        session.loadOlder(channel).finally(() => setLoadingOlder(false));
      },
      { root: scroller.current, rootMargin: '400px 0px 0px 0px' },
    );
    observer.observe(topSentinel.current);
    return () => observer.disconnect();
    // Re-observing after each change fires again while the top is still in view.
  }, [channel, history?.has_more, messages.length, startIndex, loadingOlder]);

  // Near the bottom of a window that does not reach the newest message: move it down.
  useEffect(() => {
    if (!bottomSentinel.current || !scroller.current || endTs === null) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) moveWindow(endIndex + kWindowStep);
      },
      { root: scroller.current, rootMargin: '0px 0px 400px 0px' },
    );
    observer.observe(bottomSentinel.current);
    return () => observer.disconnect();
  }, [endTs, endIndex, messages.length]);

  const jumpToNewest = () => {
    setEndTs(null);
    requestAnimationFrame(() => scroller.current?.scrollTo({ top: 0 }));
  };

  // Up-arrow in an empty composer edits the newest message this person wrote.
  useEffect(() => {
    if (editLast === 0) return;
    const mine = [...messages].reverse().find((m) => m.user === selfId && !m.subtype);
    if (mine) setEditing(mine.ts);
  }, [editLast]);

  // A permalink: load back to the message, then bring it into view and highlight it.
  useEffect(() => {
    if (!jumpTo) return;
    session.loadUntil(channel, jumpTo).then(() => {
      const loaded = session.store.get().histories[channel]?.messages ?? [];
      const at = loaded.findIndex((m) => m.ts === jumpTo);
      if (at >= 0 && at + kWindowStep < loaded.length) setEndTs(loaded[at + kWindowStep].ts);
      requestAnimationFrame(() => {
        const target = scroller.current?.querySelector(`[data-ts="${jumpTo}"]`);
        target?.scrollIntoView({ block: 'center' });
        target?.classList.add('highlight');
      });
    });
  }, [channel, jumpTo]);

  // The first screen is usable once a history is on it; the first-load benchmark
  // (bench/web_first_load.mjs) reads this mark.
  useEffect(() => {
    if (history?.loaded && performance.getEntriesByName(kUsableMark).length === 0) {
      performance.mark(kUsableMark);
    }
  }, [history?.loaded]);

  // The "new messages" line marks what was unread when the conversation opened; messages that
  // arrive while it is on screen are read as they come.
  const [unreadUntil, setUnreadUntil] = useState<string | null>(null);
  useEffect(() => {
    if (history?.loaded && unreadUntil === null) setUnreadUntil(messages.at(-1)?.ts ?? '0');
  }, [history?.loaded]);
  const firstUnread = messages.find(
    (m) =>
      compareTs(m.ts, readAtOpen) > 0 &&
      compareTs(m.ts, unreadUntil ?? '0') <= 0 &&
      m.user !== selfId,
  )?.ts;

  const rows: preact.ComponentChildren[] = [];
  messages.slice(startIndex, endIndex).forEach((message, offset) => {
    const index = startIndex + offset;
    const previous = messages[index - 1];
    if (!previous || dayOf(previous.ts) !== dayOf(message.ts)) {
      rows.push(
        <div class="day-divider" role="separator" key={`day-${message.ts}`}>
          <span>{dayLabel(message.ts)}</span>
        </div>,
      );
    }
    if (message.ts === firstUnread) {
      rows.push(
        <div class="unread-divider" role="separator" key="unread">
          <span>New messages</span>
        </div>,
      );
    }
    rows.push(
      <MessageItem
        key={message.ts}
        state={state}
        channel={channel}
        message={message}
        compact={continues(previous, message) && message.ts !== firstUnread}
        editing={editing === message.ts}
        onEdit={(on) => setEditing(on ? message.ts : null)}
        onThread={onThread}
      />,
    );
  });

  return (
    <div class="messages" ref={scroller} role="log" aria-label="Messages" tabIndex={0}>
      {/* First in the page, so the reversed column puts it at the bottom, where it sticks. */}
      {endTs !== null && (
        <button class="jump-newest primary" onClick={jumpToNewest}>
          Jump to newest
        </button>
      )}
      <div class="messages-inner">
        <div ref={topSentinel} class="history-top">
          {history?.has_more || startIndex > 0 ? (
            <span class="loading">Loading older messages…</span>
          ) : (
            history?.loaded && <span>This is the very beginning of the conversation.</span>
          )}
        </div>
        {rows}
        <div ref={bottomSentinel} />
        {endTs === null &&
          pending.map((p: PendingMessage) => (
            <PendingItem key={p.client_msg_id} state={state} pending={p} />
          ))}
      </div>
    </div>
  );
}
