// Ctrl/Cmd+K: type part of a name, Enter jumps there. Lists the person's conversations and,
// for people without a DM yet, opens one.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { State } from '../state/model';
import { conversationName } from '../state/reducers';
import { useSession } from './context';

interface Props {
  state: State;
  onClose(): void;
  onOpen(id: string): void;
}

interface Choice {
  key: string;
  label: string;
  open(): Promise<string> | string;
}

const kMaxChoices = 12;

export function QuickSwitcher({ state, onClose, onOpen }: Props) {
  const session = useSession();
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const q = query.toLowerCase();
  const choices: Choice[] = [];
  for (const c of Object.values(state.conversations)) {
    const name = conversationName(state, c);
    if (name.toLowerCase().includes(q)) {
      choices.push({ key: c.id, label: c.is_im ? name : `#${name}`, open: () => c.id });
    }
  }
  const dmWith = new Set(Object.values(state.conversations).map((c) => c.user));
  if (q) {
    for (const user of Object.values(state.users)) {
      if (choices.length >= kMaxChoices) break;
      if (user.deleted || dmWith.has(user.id)) continue;
      const name = user.real_name || user.name;
      if (name.toLowerCase().includes(q) || user.name.includes(q)) {
        choices.push({
          key: user.id,
          label: `${name} (DM)`,
          open: () => session.openDm([user.id]),
        });
      }
    }
  }
  const shown = choices.slice(0, kMaxChoices);

  const choose = async (choice: Choice | undefined) => {
    if (choice) onOpen(await choice.open());
  };

  return (
    <div class="overlay" onClick={onClose}>
      <div
        class="switcher"
        role="dialog"
        aria-modal="true"
        aria-label="Jump to a conversation"
        onClick={(e) => e.stopPropagation()}
      >
        <input
          ref={input}
          value={query}
          placeholder="Jump to…"
          aria-label="Jump to"
          role="combobox"
          aria-expanded="true"
          aria-controls="switcher-list"
          onInput={(e) => {
            setQuery((e.target as HTMLInputElement).value);
            setSelected(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              const step = e.key === 'ArrowDown' ? 1 : -1;
              setSelected((selected + step + shown.length) % Math.max(shown.length, 1));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              void choose(shown[selected]);
            } else if (e.key === 'Escape') {
              e.preventDefault();
              onClose();
            }
          }}
        />
        <ul id="switcher-list" role="listbox">
          {shown.map((choice, index) => (
            <li
              key={choice.key}
              role="option"
              aria-selected={index === selected}
              class={index === selected ? 'selected' : ''}
              onClick={() => void choose(choice)}
            >
              {choice.label}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
