// A small grid of emoji for reactions, with a filter over the built-in shortcodes.
import { useEffect, useRef, useState } from 'preact/hooks';
import { emoji, emojiMatching, pickerEmoji } from '../render/emoji';

export function EmojiPicker(props: { onPick(name: string): void; onClose(): void }) {
  const [filter, setFilter] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const names = filter ? emojiMatching(filter.replace(/:/g, ''), 32) : pickerEmoji;

  return (
    <div class="emoji-picker" role="dialog" aria-label="Pick a reaction">
      <input
        ref={input}
        value={filter}
        placeholder="Search emoji"
        aria-label="Search emoji"
        onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            props.onClose();
          } else if (e.key === 'Enter' && names[0]) {
            e.preventDefault();
            props.onPick(names[0]);
          }
        }}
      />
      <div class="emoji-grid">
        {names.map((name) => (
          <button
            key={name}
            class="emoji-choice"
            title={`:${name}:`}
            aria-label={name}
            onClick={() => props.onPick(name)}
          >
            {emoji[name]}
          </button>
        ))}
      </div>
    </div>
  );
}
