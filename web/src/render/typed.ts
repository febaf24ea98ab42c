// The reverse of outgoing.ts: a stored message text back into what a person would type, for
// editing. Mentions become @handle and #name again, entities become characters.
import { decodeEntities } from './mrkdwn';

export function toTyped(text: string, handleOf: (id: string) => string): string {
  const readable = text
    .replace(/<@([UW][0-9A-Z]+)(\|[^>]*)?>/g, (_, id: string) => `@${handleOf(id)}`)
    .replace(/<#[CGD][0-9A-Z]+\|([^>]*)>/g, (_, name: string) => `#${name}`)
    .replace(/<!(here|channel|everyone)>/g, (_, name: string) => `@${name}`);
  return decodeEntities(readable);
}
