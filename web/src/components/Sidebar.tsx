// The list of conversations: channels, then direct messages, with unread and mention counts,
// and the person's own menu (profile, away, theme, sign out).
import { Component, type ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Conversation } from '../api/types';
import type { State } from '../state/model';
import { statusLine } from '../render/status';
import { conversationName, sidebarSections } from '../state/reducers';
import { PresenceDot } from './Avatar';
import { useSession } from './context';
import type { DialogName } from './Dialogs';
import { toggleTheme } from './theme';

interface Props {
  state: State;
  current?: string;
  onOpen(id: string): void;
  onDialog(name: DialogName): void;
}

// The sidebar draws a thousand channels; it re-renders only when what it shows changed, not
// on every message in the open conversation. (A class, because Preact's memo() lives in
// preact/compat, which would add its weight to the bundle.)
export class Sidebar extends Component<Props> {
  shouldComponentUpdate(next: Props) {
    const a = this.props;
    return !(
      a.current === next.current &&
      a.state.conversations === next.state.conversations &&
      a.state.users === next.state.users &&
      a.state.presence === next.state.presence &&
      a.state.self === next.state.self &&
      a.state.team === next.state.team
    );
  }

  render() {
    return <SidebarList {...this.props} />;
  }
}

function SidebarList({ state, current, onOpen, onDialog }: Props) {
  const session = useSession();
  // Sorting a thousand channels on every keystroke elsewhere would be wasted work.
  const { channels, direct } = useMemo(
    () => sidebarSections(state),
    [state.conversations, state.users],
  );
  const self = state.self!;
  const away = state.presence[self.id] === 'away';
  const status = statusLine(self.profile);
  const canNotify = typeof Notification !== 'undefined' && Notification.permission === 'default';

  return (
    <nav class="sidebar" aria-label="Conversations">
      <header class="sidebar-header">
        <h1 class="team-name">{state.team?.name}</h1>
        <button class="icon" onClick={() => onDialog('switcher-help')} aria-label="Shortcuts">
          ?
        </button>
      </header>
      <SidebarRows
        state={state}
        current={current}
        onOpen={onOpen}
        rows={[
          {
            title: 'Channels',
            actions: (
              <>
                <button class="link" onClick={() => onDialog('browse')}>
                  Browse
                </button>
                <button class="link" onClick={() => onDialog('create')} aria-label="Create channel">
                  +
                </button>
              </>
            ),
          },
          ...channels,
          {
            title: 'Direct messages',
            actions: (
              <button class="link" onClick={() => onDialog('dm')} aria-label="New direct message">
                +
              </button>
            ),
          },
          ...direct,
        ]}
      />
      <footer class="sidebar-footer">
        <button class="self" onClick={() => onDialog('profile')} aria-label="Edit profile">
          <PresenceDot presence={state.presence[self.id]} />
          <span>{self.profile?.display_name || self.real_name || self.name}</span>
          {status && <span class="status">{status}</span>}
        </button>
        <div class="footer-actions">
          <button class="link" onClick={() => session.setAway(!away)}>
            {away ? 'Set active' : 'Set away'}
          </button>
          <button class="link" onClick={() => onDialog('invite')}>
            Invite people
          </button>
          <button class="link" onClick={toggleTheme}>
            Theme
          </button>
          {canNotify && (
            <button class="link" onClick={() => Notification.requestPermission()}>
              Enable notifications
            </button>
          )}
          <button class="link" onClick={() => session.signOut()}>
            Sign out
          </button>
        </div>
      </footer>
    </nav>
  );
}

interface SectionTitle {
  title: string;
  actions: ComponentChildren;
}

interface RowsProps {
  rows: (SectionTitle | Conversation)[];
  state: State;
  current?: string;
  onOpen(id: string): void;
}

// Rows drawn beyond the visible ones, above and below, so fast scrolling shows no gaps.
const kOverscanRows = 10;
// Every row is this tall (styles/app.css, .sidebar-row), in rem, so zooming keeps it right.
const kRowRem = 1.9;

// A virtualised list: only the rows in view are in the page, placed absolutely inside a box as
// tall as all of them. A workspace with a thousand channels renders a few dozen rows.
function SidebarRows({ rows, state, current, onOpen }: RowsProps) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(window.innerHeight);
  const rowPx = kRowRem * parseFloat(getComputedStyle(document.documentElement).fontSize);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Keeps the open conversation in view when it changes from the keyboard (Alt+Up/Down).
  useEffect(() => {
    const element = box.current;
    const index = rows.findIndex((row) => 'id' in row && row.id === current);
    if (!element || index < 0) return;
    const top = index * rowPx;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + rowPx > element.scrollTop + element.clientHeight) {
      element.scrollTop = top + rowPx - element.clientHeight;
    }
  }, [current]);

  const first = Math.max(0, Math.floor(scrollTop / rowPx) - kOverscanRows);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / rowPx) + kOverscanRows);

  return (
    <div
      class="sidebar-scroll"
      ref={box}
      onScroll={(e) => setScrollTop((e.target as HTMLDivElement).scrollTop)}
    >
      <ul class="sidebar-rows" style={{ height: `${rows.length * rowPx}px` }}>
        {rows.slice(first, last).map((row, offset) => {
          const top = `${(first + offset) * rowPx}px`;
          if ('title' in row) {
            return (
              <li key={row.title} class="sidebar-row section-title" style={{ top }}>
                <h2>{row.title}</h2>
                {row.actions}
              </li>
            );
          }
          return (
            <li key={row.id} class="sidebar-row" style={{ top }}>
              <SidebarItem
                conversation={row}
                state={state}
                active={row.id === current}
                onOpen={onOpen}
              />
            </li>
          );
        })}
      </ul>
    </div>
  );
}

interface ItemProps {
  conversation: Conversation;
  state: State;
  active: boolean;
  onOpen(id: string): void;
}

// One row re-renders only when its conversation, its DM partner or its presence changed,
// so an update to one channel does not redraw a thousand rows.
class SidebarItem extends Component<ItemProps> {
  shouldComponentUpdate(next: ItemProps) {
    const a = this.props;
    const other = next.conversation.user ?? '';
    return !(
      a.conversation === next.conversation &&
      a.active === next.active &&
      a.state.users[other] === next.state.users[other] &&
      a.state.presence[other] === next.state.presence[other] &&
      a.state.team === next.state.team
    );
  }

  render() {
    return <SidebarRow {...this.props} />;
  }
}

function SidebarRow(props: ItemProps) {
  const { conversation: c, state, active, onOpen } = props;
  const unread = c.unread_count ?? 0;
  const mentions = c.mention_count ?? 0;
  const name = conversationName(state, c);
  const prefix = c.is_im ? null : c.is_private && !c.is_mpim ? '🔒' : c.is_mpim ? '' : '#';
  const classes = ['sidebar-item', active && 'active', unread + mentions > 0 && 'unread'];

  return (
    <a
      href={`/client/${state.team?.id}/${c.id}`}
      class={classes.filter(Boolean).join(' ')}
      data-channel-id={c.id}
      data-unread={unread}
      data-mentions={mentions}
      aria-current={active ? 'page' : undefined}
      onClick={(event) => {
        event.preventDefault();
        onOpen(c.id);
      }}
    >
      {c.is_im ? <PresenceDot presence={state.presence[c.user ?? '']} /> : <span>{prefix}</span>}
      <span class="name">{name}</span>
      {mentions > 0 && (
        <span class="badge mention" aria-label={`${mentions} mentions`}>
          {mentions}
        </span>
      )}
      {mentions === 0 && unread > 0 && (
        <span class="badge unread" aria-label={`${unread} unread`}>
          {unread}
        </span>
      )}
    </a>
  );
}
