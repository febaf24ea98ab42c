import { describe, expect, it } from 'vitest';
import { isSafeUrl, parseInline, parseMrkdwn } from './mrkdwn';
import { toMrkdwn } from './outgoing';

describe('parseInline', () => {
  it('reads bold, italic, strike and code', () => {
    expect(parseInline('*b* _i_ ~s~ `c`')).toEqual([
      { t: 'bold', children: [{ t: 'text', text: 'b' }] },
      { t: 'text', text: ' ' },
      { t: 'italic', children: [{ t: 'text', text: 'i' }] },
      { t: 'text', text: ' ' },
      { t: 'strike', children: [{ t: 'text', text: 's' }] },
      { t: 'text', text: ' ' },
      { t: 'code', text: 'c' },
    ]);
  });

  it('nests formatting and leaves code unparsed', () => {
    expect(parseInline('*bold _both_*')).toEqual([
      {
        t: 'bold',
        children: [
          { t: 'text', text: 'bold ' },
          { t: 'italic', children: [{ t: 'text', text: 'both' }] },
        ],
      },
    ]);
    expect(parseInline('`*not bold*`')).toEqual([{ t: 'code', text: '*not bold*' }]);
  });

  it('does not treat delimiters inside words or before spaces as formatting', () => {
    expect(parseInline('snake_case_name')).toEqual([{ t: 'text', text: 'snake_case_name' }]);
    expect(parseInline('2 * 3 * 4')).toEqual([{ t: 'text', text: '2 * 3 * 4' }]);
  });

  it('reads mentions, broadcasts and links', () => {
    expect(parseInline('<@U123ABC> <#C99|general> <!here>')).toEqual([
      { t: 'user', id: 'U123ABC', label: undefined },
      { t: 'text', text: ' ' },
      { t: 'channel', id: 'C99', label: 'general' },
      { t: 'text', text: ' ' },
      { t: 'broadcast', name: 'here' },
    ]);
    expect(parseInline('<https://a.test/x?y=1&amp;z=2|the site>')).toEqual([
      { t: 'link', url: 'https://a.test/x?y=1&z=2', label: 'the site' },
    ]);
    expect(parseInline('see https://a.test/p.')).toEqual([
      { t: 'text', text: 'see ' },
      { t: 'link', url: 'https://a.test/p', label: 'https://a.test/p' },
      { t: 'text', text: '.' },
    ]);
  });

  it('turns known emoji shortcodes into characters and leaves unknown ones', () => {
    expect(parseInline(':tada: :no_such_emoji:')).toEqual([
      { t: 'emoji', name: 'tada', char: '🎉' },
      { t: 'text', text: ' :no_such_emoji:' },
    ]);
  });

  it('decodes the three entities Slack escapes', () => {
    expect(parseInline('a &lt;b&gt; &amp; c')).toEqual([{ t: 'text', text: 'a <b> & c' }]);
  });
});

describe('injection', () => {
  it('keeps raw HTML as text', () => {
    expect(parseInline('<img src=x onerror=alert(1)>')).toEqual([
      { t: 'text', text: '<img src=x onerror=alert(1)>' },
    ]);
    expect(parseInline('&lt;script&gt;alert(1)&lt;/script&gt;')).toEqual([
      { t: 'text', text: '<script>alert(1)</script>' },
    ]);
  });

  it('never makes a link of javascript: or data: addresses', () => {
    expect(parseInline('<javascript:alert(1)|click>')).toEqual([
      { t: 'text', text: '<javascript:alert(1)|click>' },
    ]);
    expect(parseInline('<data:text/html,x>')).toEqual([{ t: 'text', text: '<data:text/html,x>' }]);
    expect(isSafeUrl('JavaScript:alert(1)')).toBe(false);
    expect(isSafeUrl('https://ok.test')).toBe(true);
    expect(isSafeUrl('mailto:a@b.test')).toBe(true);
  });
});

describe('parseMrkdwn', () => {
  it('keeps code blocks verbatim', () => {
    expect(parseMrkdwn('before\n```\n*x* <@U1>\n```\nafter')).toEqual([
      { t: 'para', children: [{ t: 'text', text: 'before' }] },
      { t: 'pre', text: '*x* <@U1>' },
      { t: 'para', children: [{ t: 'text', text: 'after' }] },
    ]);
  });

  it('groups quote lines and list items', () => {
    expect(parseMrkdwn('&gt; one\n&gt; two\n- a\n- b\n1. x')).toEqual([
      {
        t: 'quote',
        children: [{ t: 'text', text: 'one' }, { t: 'br' }, { t: 'text', text: 'two' }],
      },
      {
        t: 'list',
        ordered: false,
        items: [[{ t: 'text', text: 'a' }], [{ t: 'text', text: 'b' }]],
      },
      { t: 'list', ordered: true, items: [[{ t: 'text', text: 'x' }]] },
    ]);
  });

  it('keeps line breaks inside a paragraph', () => {
    expect(parseMrkdwn('a\nb')).toEqual([
      { t: 'para', children: [{ t: 'text', text: 'a' }, { t: 'br' }, { t: 'text', text: 'b' }] },
    ]);
  });
});

describe('toMrkdwn', () => {
  const lookup = {
    userByHandle: (h: string) => ({ alice: 'U1' })[h],
    channelByName: (n: string) => ({ general: 'C1' })[n],
  };

  it('escapes markup characters and links known names', () => {
    expect(toMrkdwn('hi @alice, see #general & <b>', lookup)).toBe(
      'hi <@U1>, see <#C1|general> &amp; &lt;b&gt;',
    );
  });

  it('leaves unknown names and e-mail addresses alone', () => {
    expect(toMrkdwn('@bob mail a@alice.test', lookup)).toBe('@bob mail a@alice.test');
  });

  it('turns @here into a broadcast', () => {
    expect(toMrkdwn('@here lunch', lookup)).toBe('<!here> lunch');
  });
});
