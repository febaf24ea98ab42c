// Parses Slack's mrkdwn (the text of a message) into a small syntax tree. The tree holds only
// plain strings; render.tsx turns it into Preact elements, so message text never reaches the
// page as HTML and cannot inject markup or scripts.
//
// Hand-written rather than a Markdown library: mrkdwn is not Markdown (single `*` is bold,
// `<url|label>` links, `<@U…>` mentions, entity-escaped `&lt;`), and the libraries made for
// Markdown produce HTML strings, which is exactly what this client avoids.
import { emoji } from './emoji';

export type Inline =
  | { t: 'text'; text: string }
  | { t: 'bold' | 'italic' | 'strike'; children: Inline[] }
  | { t: 'code'; text: string }
  | { t: 'link'; url: string; label: string }
  | { t: 'user'; id: string; label?: string }
  | { t: 'channel'; id: string; label?: string }
  | { t: 'broadcast'; name: string }
  | { t: 'emoji'; name: string; char: string }
  | { t: 'br' };

export type Block =
  | { t: 'para'; children: Inline[] }
  | { t: 'pre'; text: string }
  | { t: 'quote'; children: Inline[] }
  | { t: 'list'; ordered: boolean; items: Inline[][] };

const kDelimiters: Record<string, 'bold' | 'italic' | 'strike'> = {
  '*': 'bold',
  _: 'italic',
  '~': 'strike',
};

// Slack escapes exactly these three characters in message text.
export function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function encodeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Links may only point to the web or to mail; `javascript:`, `data:` and the like are text.
export function isSafeUrl(url: string): boolean {
  return /^(https?:\/\/|mailto:)/i.test(url);
}

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);

function pushText(out: Inline[], text: string) {
  if (!text) return;
  const last = out[out.length - 1];
  if (last?.t === 'text') last.text += text;
  else out.push({ t: 'text', text });
}

// `<...>`: a mention, a broadcast or a link; anything else stays literal text.
function angle(content: string): Inline | null {
  const [target, label] = splitOnce(content, '|');
  if (/^@[UW][0-9A-Z]+$/.test(target)) return { t: 'user', id: target.slice(1), label };
  if (/^#[CGD][0-9A-Z]+$/.test(target)) return { t: 'channel', id: target.slice(1), label };
  if (/^!(here|channel|everyone)$/.test(target)) return { t: 'broadcast', name: target.slice(1) };
  const url = decodeEntities(target);
  if (isSafeUrl(url)) return { t: 'link', url, label: decodeEntities(label ?? url) };
  return null;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

// Where a `*`, `_` or `~` opened at `start` closes, or -1.
function closingDelimiter(text: string, start: number): number {
  const d = text[start];
  if (isWordChar(text[start - 1]) || isSpace(text[start + 1])) return -1;
  for (let j = start + 2; j < text.length; j++) {
    if (text[j] === '\n') return -1;
    if (text[j] === d && !isSpace(text[j - 1]) && !isWordChar(text[j + 1])) return j;
  }
  return -1;
}

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];

    if (c === '\n') {
      out.push({ t: 'br' });
      i++;
      continue;
    }

    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i + 1) {
        out.push({ t: 'code', text: decodeEntities(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }

    if (c === '<') {
      const end = text.indexOf('>', i + 1);
      const content = end > 0 ? text.slice(i + 1, end) : '';
      const node = content && !/[<\n]/.test(content) ? angle(content) : null;
      if (node) {
        out.push(node);
        i = end + 1;
        continue;
      }
    }

    if (kDelimiters[c]) {
      const end = closingDelimiter(text, i);
      if (end > 0) {
        out.push({ t: kDelimiters[c], children: parseInline(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }

    if (c === ':') {
      const match = /^:([a-z0-9_+-]+):/.exec(text.slice(i));
      if (match && emoji[match[1]]) {
        out.push({ t: 'emoji', name: match[1], char: emoji[match[1]] });
        i += match[0].length;
        continue;
      }
    }

    if ((c === 'h' || c === 'H') && !isWordChar(text[i - 1])) {
      const match = /^https?:\/\/[^\s<>]+/i.exec(text.slice(i));
      if (match) {
        const url = match[0].replace(/[.,;:!?)\]]+$/, '');
        out.push({ t: 'link', url: decodeEntities(url), label: decodeEntities(url) });
        i += url.length;
        continue;
      }
    }

    pushText(out, decodeEntities(c === '&' ? entityAt(text, i) : c));
    i += c === '&' ? entityAt(text, i).length : 1;
  }
  return out;
}

// `&amp;`, `&lt;` or `&gt;` starting at i, decoded as one unit, or a lone `&`.
function entityAt(text: string, i: number): string {
  const match = /^&(amp|lt|gt);/.exec(text.slice(i, i + 5));
  return match ? match[0] : '&';
}

const kQuote = /^(&gt;|>) ?/;
const kListItem = /^\s*([-*•]|\d+[.)])\s+/;

// Splits text into blocks: fenced code first (its content is never parsed), then quotes,
// lists and paragraphs line by line.
export function parseMrkdwn(text: string): Block[] {
  const blocks: Block[] = [];
  const parts = text.split('```');
  parts.forEach((part, index) => {
    const isCode = index % 2 === 1 && index < parts.length - 1;
    if (isCode) blocks.push({ t: 'pre', text: decodeEntities(part.replace(/^\n|\n$/g, '')) });
    else parseLines(part.replace(/^\n|\n$/g, ''), blocks);
  });
  return blocks;
}

function parseLines(text: string, blocks: Block[]) {
  if (!text) return;
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push({ t: 'para', children: parseInline(para.join('\n')) });
    para = [];
  };
  for (const line of text.split('\n')) {
    const last = blocks[blocks.length - 1];
    if (kQuote.test(line)) {
      flush();
      const content = parseInline(line.replace(kQuote, ''));
      if (last?.t === 'quote' && para.length === 0 && blocks.at(-1) === last) {
        last.children.push({ t: 'br' }, ...content);
      } else {
        blocks.push({ t: 'quote', children: content });
      }
      continue;
    }
    const item = kListItem.exec(line);
    if (item) {
      flush();
      const ordered = /\d/.test(item[1]);
      const content = parseInline(line.slice(item[0].length));
      if (last?.t === 'list' && last.ordered === ordered && blocks.at(-1) === last) {
        last.items.push(content);
      } else {
        blocks.push({ t: 'list', ordered, items: [content] });
      }
      continue;
    }
    para.push(line);
  }
  flush();
}
