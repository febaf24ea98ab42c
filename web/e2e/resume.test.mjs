// After a network drop nothing is missing and nothing is doubled: messages sent by others
// while a page was offline appear in order, once; a message written offline is delivered
// once when the page comes back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  messageWithText,
  newPage,
  openConversation,
  screenshot,
  send,
  shownTexts,
  signIn,
  openWorkspace,
  closeWorkspace,
} from './lib.mjs';

let server;
let browser;
let team;

before(async () => {
  ({ server, browser, team } = await openWorkspace());
});

after(() => closeWorkspace({ server, browser }));

test('a page that goes offline shows every missed message once, in order', async () => {
  const owner = await newPage(browser, server);
  const member = await newPage(browser, server);
  await signIn(owner.page, 'owner@acme.test');
  await signIn(member.page, 'member0@acme.test');
  await openConversation(owner.page, 'general');
  await openConversation(member.page, 'general');

  await send(owner.page, 'before the drop');
  await messageWithText(member.page, 'before the drop').waitFor();

  await member.context.setOffline(true);
  await member.page.locator('.connection-banner', { hasText: 'Reconnecting' }).waitFor();

  const missed = Array.from({ length: 8 }, (_, i) => `missed ${i + 1}`);
  for (const text of missed) await send(owner.page, text);
  await messageWithText(owner.page, 'missed 8').waitFor();

  // Written while offline: shown at once as pending, delivered on reconnect.
  await send(member.page, 'written offline', { waitStored: false });
  await member.page.locator('.message.pending', { hasText: 'written offline' }).waitFor();
  await screenshot(member.page, '06-offline');

  await member.context.setOffline(false);
  await member.page.locator('.connection-banner').waitFor({ state: 'detached' });
  await messageWithText(member.page, 'missed 8').waitFor();
  await messageWithText(owner.page, 'written offline').waitFor();
  await member.page.locator('.message.pending').waitFor({ state: 'detached' });

  const expected = ['before the drop', ...missed, 'written offline'];
  assert.deepEqual(await shownTexts(member.page), expected);
  assert.deepEqual(await shownTexts(owner.page), expected);

  // The server stored the offline message once, whatever the retries.
  const general = (await server.api('conversations.list', team.owner.token)).channels.find(
    (c) => c.is_general,
  );
  const history = await server.api('conversations.history', team.owner.token, {
    channel: general.id,
  });
  const stored = history.messages.filter((m) => m.text === 'written offline');
  assert.equal(stored.length, 1);

  await owner.context.close();
  await member.context.close();
});
