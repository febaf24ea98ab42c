// Turns what a person typed into the text Slack clients send: `&`, `<` and `>` escaped, and
// `@handle` / `#channel` that name someone or something known turned into `<@U…>` and
// `<#C…|name>`, which the server records as mentions.
import { encodeEntities } from './mrkdwn';

export interface Lookup {
  userByHandle(handle: string): string | undefined;
  channelByName(name: string): string | undefined;
}

export function toMrkdwn(typed: string, lookup: Lookup): string {
  const escaped = encodeEntities(typed);
  return escaped.replace(
    /(^|[\s(])([@#])([a-z0-9][a-z0-9._-]*)/gi,
    (whole, before: string, sigil: string, name: string) => {
      const trimmed = name.replace(/[.]+$/, '');
      const rest = name.slice(trimmed.length);
      if (sigil === '@') {
        if (/^(here|channel|everyone)$/.test(trimmed)) return `${before}<!${trimmed}>${rest}`;
        const id = lookup.userByHandle(trimmed);
        return id ? `${before}<@${id}>${rest}` : whole;
      }
      const id = lookup.channelByName(trimmed);
      return id ? `${before}<#${id}|${trimmed}>${rest}` : whole;
    },
  );
}
