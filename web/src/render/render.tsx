// Turns a parsed mrkdwn tree into Preact elements. Text goes in as text nodes only; links get
// only web and mail addresses (checked again here) and open in a new tab without an opener.
import type { ComponentChildren } from 'preact';
import { isSafeUrl, parseMrkdwn, type Block, type Inline } from './mrkdwn';

export interface Names {
  user(id: string): string;
  channel(id: string): string;
  isSelf(id: string): boolean;
}

function inline(nodes: Inline[], names: Names): ComponentChildren[] {
  return nodes.map((node) => {
    switch (node.t) {
      case 'text':
        return node.text;
      case 'br':
        return <br />;
      case 'bold':
        return <strong>{inline(node.children, names)}</strong>;
      case 'italic':
        return <em>{inline(node.children, names)}</em>;
      case 'strike':
        return <s>{inline(node.children, names)}</s>;
      case 'code':
        return <code>{node.text}</code>;
      case 'emoji':
        return (
          <span class="emoji" title={`:${node.name}:`} role="img" aria-label={node.name}>
            {node.char}
          </span>
        );
      case 'user':
        return (
          <span class={names.isSelf(node.id) ? 'mention self' : 'mention'}>
            @{node.label || names.user(node.id)}
          </span>
        );
      case 'channel':
        return <span class="mention">#{node.label || names.channel(node.id)}</span>;
      case 'broadcast':
        return <span class="mention self">@{node.name}</span>;
      case 'link':
        return isSafeUrl(node.url) ? (
          <a href={node.url} target="_blank" rel="noopener noreferrer">
            {node.label}
          </a>
        ) : (
          node.label
        );
    }
  });
}

function block(node: Block, names: Names): ComponentChildren {
  switch (node.t) {
    case 'para':
      return <p>{inline(node.children, names)}</p>;
    case 'pre':
      return <pre>{node.text}</pre>;
    case 'quote':
      return <blockquote>{inline(node.children, names)}</blockquote>;
    case 'list': {
      const items = node.items.map((item) => <li>{inline(item, names)}</li>);
      return node.ordered ? <ol>{items}</ol> : <ul>{items}</ul>;
    }
  }
}

export function Mrkdwn({ text, names }: { text: string; names: Names }) {
  return <div class="mrkdwn">{parseMrkdwn(text).map((node) => block(node, names))}</div>;
}
