import { describe, expect, it } from 'vitest';
import { toMrkdwn } from './outgoing';
import { toTyped } from './typed';

describe('toTyped', () => {
  const handles: Record<string, string> = { U1: 'alice' };
  const handleOf = (id: string) => handles[id] ?? id;

  it('turns mentions and entities back into what a person types', () => {
    expect(toTyped('hi <@U1>, see <#C1|general> &amp; &lt;b&gt; <!here>', handleOf)).toBe(
      'hi @alice, see #general & <b> @here',
    );
  });

  it('round-trips through toMrkdwn', () => {
    const lookup = {
      userByHandle: (h: string) => (h === 'alice' ? 'U1' : undefined),
      channelByName: (n: string) => (n === 'general' ? 'C1' : undefined),
    };
    const typed = 'ask @alice in #general about <tags> & more';
    expect(toTyped(toMrkdwn(typed, lookup), handleOf)).toBe(typed);
  });
});
