import { describe, expect, it } from 'vitest';
import type { Conversation, Message, User } from '../api/types';
import { emptyState, threadKey, type State } from './model';
import * as r from './reducers';

const self = { id: 'UME', name: 'me', real_name: 'Me', profile: {} } as User;
const other = { id: 'UOTHER', name: 'other', real_name: 'Other', profile: {} } as User;

function channel(id: string, extra: Partial<Conversation> = {}): Conversation {
  return {
    id,
    name: id.toLowerCase(),
    created: 0,
    is_archived: false,
    is_channel: true,
    is_im: false,
    is_mpim: false,
    is_private: false,
    is_member: true,
    last_read: '0000000000.000000',
    unread_count: 0,
    mention_count: 0,
    ...extra,
  };
}

const message = (ts: string, user = 'UOTHER', text = 'hi', extra: Partial<Message> = {}) =>
  ({ type: 'message', ts, user, text, ...extra }) as Message;

function base(): State {
  const state: State = {
    ...emptyState,
    self,
    users: { UME: self, UOTHER: other },
    conversations: { CA: channel('CA'), CB: channel('CB') },
    histories: { CA: { messages: [], has_more: false, loaded: true } },
  };
  return state;
}

const event = (channelId: string, m: Message, extra = {}) => ({
  ...m,
  type: 'message',
  channel: channelId,
  resume_cursor: 'x',
  ...extra,
});

describe('compareTs', () => {
  it('orders by seconds then microseconds, exactly', () => {
    expect(r.compareTs('1712345678.000123', '1712345678.000124')).toBeLessThan(0);
    expect(r.compareTs('1712345679.000000', '1712345678.999999')).toBeGreaterThan(0);
    expect(r.compareTs('1712345678.1', '1712345678.100000')).toBe(0);
  });
});

describe('messages', () => {
  it('keeps history in ts order and replaces a message seen twice', () => {
    let list = r.upsertMessage([], message('2.000000'));
    list = r.upsertMessage(list, message('1.000000'));
    list = r.upsertMessage(list, message('3.000000'));
    list = r.upsertMessage(list, message('2.000000', 'UOTHER', 'again'));
    expect(list.map((m) => m.ts)).toEqual(['1.000000', '2.000000', '3.000000']);
    expect(list[1].text).toBe('again');
  });

  it('merges history pages (newest first) without duplicates', () => {
    let h = r.mergeHistoryPage(undefined, [message('3.0'), message('2.0')], true, false);
    h = r.mergeHistoryPage(h, [message('2.0'), message('1.0')], false, true);
    expect(h.messages.map((m) => m.ts)).toEqual(['1.0', '2.0', '3.0']);
    expect(h.has_more).toBe(false);
  });

  it('shows a replayed event once', () => {
    let state = base();
    const e = event('CA', message('5.000000'));
    state = r.applyEvent(state, e);
    state = r.applyEvent(state, e);
    expect(state.histories.CA.messages).toHaveLength(1);
    expect(state.conversations.CA.unread_count).toBe(1);
  });

  it('applies edits, deletes and reactions', () => {
    let state = r.applyEvent(base(), event('CA', message('5.0')));
    state = r.applyEvent(state, {
      type: 'message',
      subtype: 'message_changed',
      channel: 'CA',
      message: message('5.0', 'UOTHER', 'edited', { edited: { user: 'UOTHER', ts: '6.0' } }),
    });
    expect(state.histories.CA.messages[0].text).toBe('edited');

    const reaction = { type: 'reaction_added', user: 'UME', reaction: 'tada' };
    state = r.applyEvent(state, {
      ...reaction,
      item: { type: 'message', channel: 'CA', ts: '5.0' },
    });
    expect(state.histories.CA.messages[0].reactions).toEqual([
      { name: 'tada', users: ['UME'], count: 1 },
    ]);
    state = r.applyEvent(state, {
      ...reaction,
      type: 'reaction_removed',
      item: { type: 'message', channel: 'CA', ts: '5.0' },
    });
    expect(state.histories.CA.messages[0].reactions).toEqual([]);

    state = r.applyEvent(state, {
      type: 'message',
      subtype: 'message_deleted',
      channel: 'CA',
      deleted_ts: '5.0',
    });
    expect(state.histories.CA.messages).toHaveLength(0);
  });

  it('puts thread replies in an open thread, not in history', () => {
    let state = r.applyEvent(base(), event('CA', message('5.0')));
    state = { ...state, threads: { [threadKey('CA', '5.0')]: [message('5.0')] } };
    state = r.applyEvent(
      state,
      event('CA', message('6.0', 'UOTHER', 'reply', { thread_ts: '5.0' })),
    );
    expect(state.histories.CA.messages.map((m) => m.ts)).toEqual(['5.0']);
    expect(state.threads['CA/5.0'].map((m) => m.ts)).toEqual(['5.0', '6.0']);
  });
});

describe('unread counts', () => {
  it('counts messages from others, and mentions of me', () => {
    let state = r.applyEvent(base(), event('CB', message('5.0')));
    state = r.applyEvent(state, event('CB', message('6.0', 'UOTHER', 'hey <@UME>')));
    state = r.applyEvent(state, event('CB', message('7.0', 'UOTHER', '<!here> lunch')));
    state = r.applyEvent(state, event('CB', message('8.0', 'UME', 'mine')));
    expect(state.conversations.CB.unread_count).toBe(3);
    expect(state.conversations.CB.mention_count).toBe(2);
  });

  it('counts every DM message as a mention', () => {
    let state = base();
    state = r.addConversation(
      state,
      channel('DX', { is_im: true, is_channel: false, user: 'UOTHER' }),
    );
    state = r.applyEvent(state, event('DX', message('5.0')));
    expect(state.conversations.DX.mention_count).toBe(1);
  });

  it('ignores messages at or before the read position', () => {
    let state = base();
    state.conversations.CB.last_read = '5.000000';
    state = r.applyEvent(state, event('CB', message('5.000000')));
    expect(state.conversations.CB.unread_count).toBe(0);
  });

  it('clears counts when marked, here or from another tab', () => {
    let state = r.applyEvent(base(), event('CA', message('5.0', 'UOTHER', '<@UME>')));
    state = r.applyEvent(state, {
      type: 'channel_marked',
      channel: 'CA',
      ts: '5.0',
      unread_count_display: 0,
    });
    expect(state.conversations.CA).toMatchObject({ unread_count: 0, mention_count: 0 });
  });
});

describe('pending messages', () => {
  it('replaces the pending copy with the stored message carrying its client_msg_id', () => {
    let state = r.addPending(base(), {
      client_msg_id: 'abc',
      channel: 'CA',
      text: 'hi',
      created_ms: 0,
    });
    expect(state.pending).toHaveLength(1);
    state = r.applyEvent(state, event('CA', message('9.0', 'UME', 'hi', { client_msg_id: 'abc' })));
    expect(state.pending).toHaveLength(0);
    expect(state.histories.CA.messages).toHaveLength(1);
    state = r.receiveMessage(state, 'CA', message('9.0', 'UME', 'hi', { client_msg_id: 'abc' }));
    expect(state.histories.CA.messages).toHaveLength(1);
  });

  it('marks a refused message as failed', () => {
    let state = r.addPending(base(), {
      client_msg_id: 'a',
      channel: 'CA',
      text: 'x',
      created_ms: 0,
    });
    state = r.failPending(state, 'a', 'not_in_channel');
    expect(state.pending[0].failed).toBe('not_in_channel');
  });
});

describe('sidebar', () => {
  it('sorts channels by name and lists open DMs under them', () => {
    let state = base();
    state = r.addConversation(state, channel('CZ', { name: 'aardvark' }));
    state = r.addConversation(
      state,
      channel('DX', { is_im: true, is_channel: false, user: 'UOTHER' }),
    );
    state = r.addConversation(
      state,
      channel('DY', { is_im: true, is_channel: false, user: 'UME', is_open: false }),
    );
    const { channels, direct } = r.sidebarSections(state);
    expect(channels.map((c) => c.name)).toEqual(['aardvark', 'ca', 'cb']);
    expect(direct.map((c) => c.id)).toEqual(['DX']);
    expect(r.sidebarOrder(state)).toEqual(['CZ', 'CA', 'CB', 'DX']);
  });

  it('drops a channel when I leave it and shows it archived', () => {
    let state = r.applyEvent(base(), { type: 'channel_left', channel: 'CA' });
    expect(state.conversations.CA).toBeUndefined();
    state = r.applyEvent(state, { type: 'channel_archive', channel: 'CB', user: 'UOTHER' });
    expect(r.sidebarSections(state).channels).toHaveLength(0);
  });

  it('names DMs after the other person', () => {
    const state = base();
    const dm = channel('DX', { is_im: true, user: 'UOTHER' });
    expect(r.conversationName(state, dm)).toBe('Other');
  });
});

describe('typing and presence', () => {
  it('shows typing until the person posts or the indicator lapses', () => {
    let state = r.applyEvent(base(), { type: 'user_typing', channel: 'CA', user: 'UOTHER' }, 1000);
    expect(r.typingIn(state, 'CA', 2000)).toEqual(['UOTHER']);
    expect(r.typingIn(state, 'CA', 7000)).toEqual([]);
    state = r.applyEvent(state, event('CA', message('5.0')));
    expect(r.typingIn(state, 'CA', 2000)).toEqual([]);
  });

  it('records batched presence changes', () => {
    const state = r.applyEvent(base(), {
      type: 'presence_change',
      presence: 'active',
      users: ['UME', 'UOTHER'],
    });
    expect(state.presence).toEqual({ UME: 'active', UOTHER: 'active' });
  });
});
