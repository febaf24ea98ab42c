// The small dialogs of the workspace: profile and status, new channel, channel browser, new
// DM, invitation link, pinned messages and the list of keyboard shortcuts.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import type { Conversation, Message } from '../api/types';
import { Mrkdwn } from '../render/render';
import type { State } from '../state/model';
import { userName } from '../state/reducers';
import { namesFor, useSession } from './context';

export type DialogName =
  'profile' | 'create' | 'browse' | 'dm' | 'invite' | 'pins' | 'switcher-help';

interface Props {
  name: DialogName;
  state: State;
  current?: string;
  onClose(): void;
  onOpen(id: string): void;
}

const kTitles: Record<DialogName, string> = {
  profile: 'Your profile',
  create: 'Create a channel',
  browse: 'Browse channels',
  dm: 'New direct message',
  invite: 'Invite people',
  pins: 'Pinned messages',
  'switcher-help': 'Keyboard shortcuts',
};

export function Dialogs(props: Props) {
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    panel.current?.querySelector<HTMLElement>('input, button.primary, button')?.focus();
  }, [props.name]);

  const body = {
    profile: <ProfileForm {...props} />,
    create: <CreateForm {...props} />,
    browse: <Browser {...props} />,
    dm: <DmPicker {...props} />,
    invite: <Invite />,
    pins: <Pins {...props} />,
    'switcher-help': <Shortcuts />,
  }[props.name];

  return (
    <div class="overlay" onClick={props.onClose}>
      <div
        ref={panel}
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="dialog-title"
        onClick={(e) => e.stopPropagation()}
      >
        <header>
          <h2 id="dialog-title">{kTitles[props.name]}</h2>
          <button class="icon" onClick={props.onClose} aria-label="Close">
            ✕
          </button>
        </header>
        {body}
      </div>
    </div>
  );
}

const message = (error: unknown) => (error instanceof ApiError ? error.error : String(error));

function ProfileForm({ state, onClose }: Props) {
  const session = useSession();
  const self = state.self!;
  const [error, setError] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const profile: Record<string, string> = {};
    form.forEach((value, key) => (profile[key] = String(value)));
    try {
      await session.setProfile(profile);
      onClose();
    } catch (caught) {
      setError(message(caught));
    }
  };
  const field = (label: string, name: string, value = '') => (
    <label class="field">
      <span>{label}</span>
      <input name={name} value={value} />
    </label>
  );
  return (
    <form onSubmit={submit}>
      {field('Full name', 'real_name', self.real_name)}
      {field('Display name', 'display_name', self.profile?.display_name)}
      {field('Status emoji', 'status_emoji', self.profile?.status_emoji)}
      {field('Status', 'status_text', self.profile?.status_text)}
      {field('Avatar link (https://…)', 'image_original', self.profile?.image_original)}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary">
        Save
      </button>
    </form>
  );
}

function CreateForm({ onOpen }: Props) {
  const session = useSession();
  const [error, setError] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    try {
      onOpen(await session.createChannel(String(form.get('name')), form.get('private') === 'on'));
    } catch (caught) {
      setError(message(caught));
    }
  };
  return (
    <form onSubmit={submit}>
      <label class="field">
        <span>Name (lowercase letters, digits, - and _)</span>
        <input name="name" required pattern="[a-z0-9_-]+" maxLength={80} />
      </label>
      <label class="check">
        <input type="checkbox" name="private" /> Private channel
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary">
        Create
      </button>
    </form>
  );
}

function Browser({ state, onOpen }: Props) {
  const session = useSession();
  const [channels, setChannels] = useState<Conversation[] | null>(null);
  const [filter, setFilter] = useState('');
  useEffect(() => {
    session.listPublicChannels().then(setChannels, () => setChannels([]));
  }, []);
  const shown = (channels ?? [])
    .filter((c) => (c.name ?? '').includes(filter.toLowerCase()))
    .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''))
    .slice(0, 200);
  return (
    <div>
      <input
        aria-label="Filter channels"
        placeholder="Filter"
        value={filter}
        onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
      />
      {channels === null && <p aria-busy="true">Loading…</p>}
      <ul class="pick-list">
        {shown.map((c) => {
          const member = Boolean(state.conversations[c.id]);
          return (
            <li key={c.id}>
              <span>#{c.name}</span>
              <span class="muted">{c.num_members ?? 0} members</span>
              <button onClick={async () => onOpen(member ? c.id : await session.join(c.id))}>
                {member ? 'Open' : 'Join'}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function DmPicker({ state, onOpen }: Props) {
  const session = useSession();
  const [filter, setFilter] = useState('');
  const q = filter.toLowerCase();
  const people = Object.values(state.users)
    .filter(
      (u) => !u.deleted && (u.name.includes(q) || (u.real_name ?? '').toLowerCase().includes(q)),
    )
    .slice(0, 50);
  return (
    <div>
      <input
        aria-label="Find a person"
        placeholder="Name"
        value={filter}
        onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
      />
      <ul class="pick-list">
        {people.map((u) => (
          <li key={u.id}>
            <span>{u.real_name || u.name}</span>
            <span class="muted">@{u.name}</span>
            <button onClick={async () => onOpen(await session.openDm([u.id]))}>Message</button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Invite() {
  const session = useSession();
  const [link, setLink] = useState('');
  const [error, setError] = useState('');
  const create = async () => {
    try {
      const url = await session.invite();
      // The server builds the link from its public URL; the path is what matters here.
      setLink(new URL(new URL(url).pathname, location.origin).toString());
    } catch (caught) {
      setError(message(caught));
    }
  };
  return (
    <div>
      <p>Anyone with the link can join (up to 100 people, for 7 days).</p>
      {link ? (
        <input class="invite-link" readOnly value={link} aria-label="Invitation link" />
      ) : (
        <button class="primary" onClick={create}>
          Create invitation link
        </button>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function Pins({ state, current }: Props) {
  const session = useSession();
  const [items, setItems] = useState<{ message: Message }[] | null>(null);
  useEffect(() => {
    if (!current) return;
    session.api.call<{ items: { message: Message }[] }>('pins.list', { channel: current }).then(
      (answer) => setItems(answer.items),
      () => setItems([]),
    );
  }, [current]);
  if (items === null) return <p aria-busy="true">Loading…</p>;
  if (items.length === 0) return <p>Nothing is pinned here.</p>;
  return (
    <ul class="pick-list">
      {items.map(({ message: m }) => (
        <li key={m.ts}>
          <strong>{userName(state, m.user)}</strong>
          <Mrkdwn text={m.text} names={namesFor(state)} />
        </li>
      ))}
    </ul>
  );
}

function Shortcuts() {
  const rows: [string, string][] = [
    ['Ctrl/⌘ + K', 'Jump to a conversation'],
    ['Alt + ↑ / ↓', 'Previous / next conversation'],
    ['Enter', 'Send'],
    ['Shift + Enter', 'New line'],
    ['↑ in an empty box', 'Edit your last message'],
    ['Esc', 'Close the thread or dialog'],
  ];
  return (
    <table class="shortcuts">
      <tbody>
        {rows.map(([keys, what]) => (
          <tr key={keys}>
            <th scope="row">
              <kbd>{keys}</kbd>
            </th>
            <td>{what}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
