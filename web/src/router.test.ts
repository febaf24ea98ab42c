import { describe, expect, it } from 'vitest';
import { parseRoute } from './router';

describe('parseRoute', () => {
  it('reads invitation links and conversations', () => {
    expect(parseRoute('/join/abc123')).toEqual({ kind: 'join', code: 'abc123' });
    expect(parseRoute('/client/T1/C2')).toEqual({
      kind: 'client',
      channel: 'C2',
      ts: undefined,
    });
    expect(parseRoute('/')).toEqual({ kind: 'home' });
  });

  it('turns a permalink back into a channel and message ts', () => {
    expect(parseRoute('/archives/C2/p1712345678000123')).toEqual({
      kind: 'client',
      channel: 'C2',
      ts: '1712345678.000123',
      thread: undefined,
    });
    expect(
      parseRoute('/archives/C2/p1712345678000200', '?thread_ts=1712345678.000100&cid=C2'),
    ).toMatchObject({ ts: '1712345678.000200', thread: '1712345678.000100' });
  });
});
