// Where a person writes. Enter sends, Shift+Enter breaks the line; `@`, `#` and `:` open
// suggestions; up-arrow in an empty box edits the last message. The draft is saved per
// conversation (or thread) on every keystroke, so a reload loses nothing.
import { useEffect, useRef, useState } from 'preact/hooks';
import { emoji, emojiMatching } from '../render/emoji';
import { toMrkdwn } from '../render/outgoing';
import type { State } from '../state/model';
import { loadDraft, saveDraft } from '../state/persisted';
import { useSession } from './context';
import { lookupFor } from './lookup';

interface Props {
  state: State;
  channel: string;
  threadTs?: string;
  label: string;
  onEditLast?(): void;
}

interface Suggestion {
  insert: string;
  label: string;
}

// The word being typed right before the caret, when it starts with a trigger character.
function triggerAt(text: string, caret: number): { sigil: string; query: string } | null {
  const match = /(?:^|\s)([@#:])([\w.+-]*)$/.exec(text.slice(0, caret));
  if (!match) return null;
  if (match[1] === ':' && match[2].length < 1) return null;
  return { sigil: match[1], query: match[2].toLowerCase() };
}

function suggestionsFor(state: State, sigil: string, query: string): Suggestion[] {
  if (sigil === ':') {
    return emojiMatching(query).map((name) => ({
      insert: `:${name}: `,
      label: `${emoji[name]} :${name}:`,
    }));
  }
  if (sigil === '#') {
    return Object.values(state.conversations)
      .filter((c) => !c.is_im && !c.is_mpim && (c.name ?? '').startsWith(query))
      .slice(0, 8)
      .map((c) => ({ insert: `#${c.name} `, label: `#${c.name}` }));
  }
  const people: Suggestion[] = [];
  for (const user of Object.values(state.users)) {
    if (user.deleted) continue;
    const real = (user.real_name ?? '').toLowerCase();
    if (user.name.startsWith(query) || real.startsWith(query)) {
      people.push({
        insert: `@${user.name} `,
        label: `${user.real_name || user.name} @${user.name}`,
      });
      if (people.length === 8) break;
    }
  }
  return people;
}

export function Composer({ state, channel, threadTs, label, onEditLast }: Props) {
  const session = useSession();
  const selfId = state.self?.id ?? '';
  const place = threadTs ? `${channel}/${threadTs}` : channel;
  const [text, setText] = useState(() => loadDraft(selfId, place));
  const [caret, setCaret] = useState(0);
  const [selected, setSelected] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    setText(loadDraft(selfId, place));
    box.current?.focus();
  }, [place]);

  const trigger = dismissed ? null : triggerAt(text, caret);
  const suggestions = trigger ? suggestionsFor(state, trigger.sigil, trigger.query) : [];

  const change = (value: string, at: number) => {
    setText(value);
    setCaret(at);
    setDismissed(false);
    setSelected(0);
    saveDraft(selfId, place, value);
    if (value) session.typing(channel);
  };

  const accept = (suggestion: Suggestion) => {
    const before = text.slice(0, caret).replace(/[@#:][\w.+-]*$/, suggestion.insert);
    const value = before + text.slice(caret);
    change(value, before.length);
    // After the render has put the new text in the box; unless more was typed by then, which
    // must stay where it went (moving the caret back would split the next word).
    requestAnimationFrame(() => {
      if (box.current?.value === value) box.current.setSelectionRange(before.length, before.length);
    });
  };

  const send = () => {
    if (!text.trim()) return;
    session.send(channel, toMrkdwn(text.trim(), lookupFor(state)), threadTs);
    change('', 0);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (suggestions.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setSelected((selected + step + suggestions.length) % suggestions.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        accept(suggestions[selected] ?? suggestions[0]);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setDismissed(true);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    } else if (event.key === 'ArrowUp' && !text && onEditLast) {
      event.preventDefault();
      onEditLast();
    }
  };

  const placeholder = threadTs ? 'Reply…' : label;

  return (
    <div class="composer">
      {suggestions.length > 0 && (
        <ul class="suggestions" role="listbox" aria-label="Suggestions">
          {suggestions.map((s, index) => (
            <li
              key={s.insert}
              role="option"
              aria-selected={index === selected}
              class={index === selected ? 'selected' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                accept(s);
              }}
            >
              {s.label}
            </li>
          ))}
        </ul>
      )}
      <textarea
        ref={box}
        rows={1}
        value={text}
        aria-label={label}
        placeholder={placeholder}
        onInput={(e) => {
          const el = e.target as HTMLTextAreaElement;
          change(el.value, el.selectionStart);
        }}
        onKeyUp={(e) => setCaret((e.target as HTMLTextAreaElement).selectionStart)}
        onClick={(e) => setCaret((e.target as HTMLTextAreaElement).selectionStart)}
        onKeyDown={onKeyDown}
      />
      <button class="send primary" onClick={send} aria-label="Send" disabled={!text.trim()}>
        Send
      </button>
    </div>
  );
}
