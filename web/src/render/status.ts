// A person's status as the client shows it: the emoji (a `:shortcode:`, drawn when the
// built-in table knows it, else shown as typed) and the text.
import type { Profile } from '../api/types';
import { emoji } from './emoji';

export function statusEmoji(profile?: Profile): string {
  const code = profile?.status_emoji ?? '';
  return emoji[code.replace(/^:|:$/g, '')] ?? code;
}

export function statusLine(profile?: Profile): string {
  return [statusEmoji(profile), profile?.status_text].filter(Boolean).join(' ');
}
