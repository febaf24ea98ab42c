// The composer's suggestions and up-arrow edit, channel creation, pins, permalinks,
// scrolling back through history and keyboard navigation between conversations.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  messageWithText,
  newPage,
  openConversation,
  screenshot,
  send,
  signIn,
  waitForWorkspace,
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

test('suggestions, up-arrow edit, pins and permalinks', async () => {
  const { page, context } = await newPage(browser, server);
  await signIn(page, 'owner@acme.test');

  await page.getByRole('button', { name: 'Create channel' }).click();
  await page.getByLabel(/^Name/).fill('projects');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('heading', { name: '#projects' }).waitFor();

  // `@` and `:` suggestions, accepted with Tab.
  const box = page.locator('.conversation .composer textarea');
  await box.pressSequentially('hi @memb');
  await page.getByRole('option', { name: /@member0/ }).waitFor();
  await box.press('Tab');
  await box.pressSequentially('and :tad');
  await page.getByRole('option', { name: /:tada:/ }).waitFor();
  await box.press('Tab');
  assert.equal(await box.inputValue(), 'hi @member0 and :tada: ');
  await box.press('Enter');
  // Stored, not just shown as pending: only a stored message can be edited.
  const sent = page.locator('.conversation .message:not(.pending)', { hasText: 'and 🎉' });
  await sent.locator('.mention', { hasText: '@member0' }).waitFor();

  // Up-arrow in the empty composer edits that message.
  await box.press('ArrowUp');
  const edit = page.getByRole('textbox', { name: 'Edit message' });
  assert.equal(await edit.inputValue(), 'hi @member0 and :tada:');
  await edit.fill('edited with the up arrow');
  await edit.press('Enter');
  await messageWithText(page, 'edited with the up arrow').locator('.edited').waitFor();

  // Pin it; the pins dialog lists it.
  const pinned = messageWithText(page, 'edited with the up arrow');
  await pinned.hover();
  await pinned.getByRole('button', { name: 'Pin message' }).click();
  await pinned.locator('.pinned').waitFor();
  await page.getByRole('button', { name: 'Pins' }).click();
  await page.getByRole('dialog').getByText('edited with the up arrow').waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });

  // A permalink opens the conversation at the message, highlighted.
  const projects = await pinned.evaluate(() => location.pathname.split('/')[3]);
  const ts = await pinned.getAttribute('data-ts');
  const { permalink } = await server.api('chat.getPermalink', team.owner.token, {
    channel: projects,
    message_ts: ts,
  });
  await page.goto(new URL(permalink).pathname);
  await waitForWorkspace(page);
  await page.locator(`.message.highlight[data-ts="${ts}"]`).waitFor();

  // At 200% zoom (half the CSS pixels) the layout stacks into one column.
  await page.setViewportSize({ width: 640, height: 400 });
  await screenshot(page, '10-zoom-200');
  await page.setViewportSize({ width: 1280, height: 800 });

  // Alt+Down and Alt+Up move through the sidebar.
  await page.keyboard.press('Alt+ArrowUp');
  await page.getByRole('heading', { name: '#general' }).waitFor();
  await page.keyboard.press('Alt+ArrowDown');
  await page.getByRole('heading', { name: '#projects' }).waitFor();
  await context.close();
});

test('scrolling up loads older history page by page, keeping a window in the page', async () => {
  const general = (await server.api('conversations.list', team.owner.token)).channels.find(
    (c) => c.is_general,
  );
  for (let i = 0; i < 260; i++) {
    await server.api('chat.postMessage', team.owner.token, {
      channel: general.id,
      text: `history ${i}`,
    });
  }
  const { page, context } = await newPage(browser, server);
  await signIn(page, 'member0@acme.test');
  await openConversation(page, 'general');
  await messageWithText(page, 'history 259').waitFor();
  assert.equal(await messageWithText(page, 'history 0').count(), 0);

  // Scroll to the top until the first message is there (each page is 50 messages).
  for (let i = 0; i < 40 && (await messageWithText(page, /^history 0$/).count()) === 0; i++) {
    await page.locator('.messages .history-top').scrollIntoViewIfNeeded();
    await page.waitForTimeout(200);
  }
  await messageWithText(page, /^history 0$/).waitFor();
  await page.getByText('This is the very beginning of the conversation.').waitFor();
  await screenshot(page, '09-history');

  // Virtualised: however much is loaded, the page holds a window of messages.
  const inPage = await page.locator('.conversation .message').count();
  assert.ok(inPage <= 200, `${inPage} messages in the page`);
  assert.equal(await messageWithText(page, 'history 259').count(), 0);
  await page.getByRole('button', { name: 'Jump to newest' }).click();
  await messageWithText(page, 'history 259').waitFor();
  await context.close();
});
