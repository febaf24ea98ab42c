// Unread counts and mention badges follow what others post and what the person reads;
// drafts survive a reload; message text that looks like HTML or a script link stays text.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  messageWithText,
  newPage,
  openConversation,
  screenshot,
  sidebarItem,
  signIn,
  waitForWorkspace,
  openWorkspace,
  closeWorkspace,
} from './lib.mjs';

let server;
let browser;
let team;
let channel;

before(async () => {
  ({ server, browser, team } = await openWorkspace());
  const created = await server.api('conversations.create', team.owner.token, { name: 'random' });
  channel = created.channel.id;
  await server.api('conversations.invite', team.owner.token, {
    channel,
    users: team.people[0].user_id,
  });
});

after(() => closeWorkspace({ server, browser }));

const badges = async (page, name) => {
  const item = sidebarItem(page, name);
  return {
    unread: Number(await item.getAttribute('data-unread')),
    mentions: Number(await item.getAttribute('data-mentions')),
  };
};

test('unread counts and mention badges update live and clear on reading', async () => {
  const { page, context } = await newPage(browser, server);
  await signIn(page, 'member0@acme.test');
  await openConversation(page, 'general');
  assert.deepEqual(await badges(page, 'random'), { unread: 0, mentions: 0 });

  const owner = team.owner.token;
  const member = team.people[0].user_id;
  await server.api('chat.postMessage', owner, { channel, text: 'just chatting' });
  await server.api('chat.postMessage', owner, { channel, text: `hey <@${member}>, look` });
  await sidebarItem(page, 'random').locator('.badge.mention', { hasText: '1' }).waitFor();
  assert.deepEqual(await badges(page, 'random'), { unread: 2, mentions: 1 });
  await screenshot(page, '07-unread');

  await openConversation(page, 'random');
  await page.locator('.unread-divider').waitFor();
  await sidebarItem(page, 'random').locator('.badge').waitFor({ state: 'detached' });
  assert.deepEqual(await badges(page, 'random'), { unread: 0, mentions: 0 });

  // The read position reached the server: a fresh load shows nothing unread.
  await page.reload();
  await waitForWorkspace(page);
  assert.deepEqual(await badges(page, 'random'), { unread: 0, mentions: 0 });
  await context.close();
});

test('a draft survives a reload, per conversation', async () => {
  const { page, context } = await newPage(browser, server);
  await signIn(page, 'member0@acme.test');
  await openConversation(page, 'general');
  const box = page.locator('.conversation .composer textarea');
  await box.fill('half-written thought\nsecond line');
  await openConversation(page, 'random');
  await box.fill('another draft');

  await page.reload();
  await waitForWorkspace(page);
  await openConversation(page, 'general');
  assert.equal(await box.inputValue(), 'half-written thought\nsecond line');
  await openConversation(page, 'random');
  assert.equal(await box.inputValue(), 'another draft');
  await context.close();
});

test('HTML and script links in a message render as text', async () => {
  const { page, context } = await newPage(browser, server);
  await signIn(page, 'member0@acme.test');
  await openConversation(page, 'random');

  const owner = team.owner.token;
  const attacks = [
    '<img src=x onerror="window.__pwned=1">',
    '<javascript:window.__pwned=2|click me>',
    '&lt;script&gt;window.__pwned=3&lt;/script&gt;',
    '<a href="javascript:window.__pwned=4">plain</a>',
  ];
  for (const text of attacks) await server.api('chat.postMessage', owner, { channel, text });
  await messageWithText(page, 'plain').waitFor();
  await screenshot(page, '08-injection');

  const texts = page.locator('.conversation .message .text');
  assert.equal(await texts.locator('img, script, iframe').count(), 0);
  const hrefs = await texts.locator('a').evaluateAll((links) => links.map((a) => a.href));
  assert.deepEqual(
    hrefs.filter((h) => !/^https?:/.test(h)),
    [],
  );
  await messageWithText(page, '<img src=x onerror="window.__pwned=1">').waitFor();
  await messageWithText(page, '<javascript:window.__pwned=2|click me>').waitFor();
  await messageWithText(page, '<script>window.__pwned=3</script>').waitFor();
  for (const link of await page.locator('.conversation .message .text').all()) await link.click();
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await context.close();
});
