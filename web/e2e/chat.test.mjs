// Two people in two browser contexts: the first sets up the workspace, invites the second,
// and they talk in a channel, a DM and a thread, reacting, editing and deleting. Each sees
// the other's changes live, without reloading.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  PASSWORD,
  launchBrowser,
  messageWithText,
  newPage,
  openConversation,
  screenshot,
  send,
  shownTexts,
  sidebarItem,
  startServer,
  waitForWorkspace,
  closeWorkspace,
} from './lib.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(() => closeWorkspace({ server, browser }));

test('two people chat live in a channel, a DM and a thread', async () => {
  const alice = await newPage(browser, server);
  const bob = await newPage(browser, server);
  const a = alice.page;
  const b = bob.page;

  // First run: the setup form creates the workspace and its owner.
  await a.goto('/');
  await a.getByRole('heading', { name: 'Create your workspace' }).waitFor();
  await screenshot(a, '01-setup');
  await a.getByLabel('Workspace name').fill('Acme');
  await a.getByLabel('Your full name').fill('Alice Owner');
  await a.getByLabel('Email').fill('alice@acme.test');
  await a.getByLabel('Password').fill(PASSWORD);
  await a.getByRole('button', { name: 'Create workspace' }).click();
  await waitForWorkspace(a);

  // An invitation link, opened by the second person in another browser context.
  await a.getByRole('button', { name: 'Invite people' }).click();
  await a.getByRole('button', { name: 'Create invitation link' }).click();
  const link = await a.getByLabel('Invitation link').inputValue();
  assert.match(link, /\/join\/[^/]+$/);
  await a.keyboard.press('Escape');

  await b.goto(new URL(link).pathname);
  await b.getByRole('heading', { name: 'Join the workspace' }).waitFor();
  await b.getByLabel('Your full name').fill('Bob Member');
  await b.getByLabel('Email').fill('bob@acme.test');
  await b.getByLabel('Password').fill(PASSWORD);
  await b.getByRole('button', { name: 'Join' }).click();
  await waitForWorkspace(b);
  await openConversation(a, 'general');
  await openConversation(b, 'general');

  // The channel: each sees what the other sends.
  await send(a, 'Hello *Bob*, welcome to :tada: Parley');
  await messageWithText(b, 'welcome to').waitFor();
  // Typing shows on the other screen before the message arrives.
  await b.locator('.conversation .composer textarea').pressSequentially('Thanks');
  await a.locator('.typing', { hasText: 'Bob Member is typing' }).waitFor();
  await send(b, 'Thanks Alice!');
  await messageWithText(a, 'Thanks Alice!').waitFor();
  assert.deepEqual(await shownTexts(b), ['Hello Bob, welcome to 🎉 Parley', 'Thanks Alice!']);
  assert.equal(await b.locator('.message strong', { hasText: 'Bob' }).count(), 1);
  await screenshot(a, '02-channel');

  // A reaction from Bob shows up on Alice's screen.
  const welcomeOnB = messageWithText(b, 'welcome to');
  await welcomeOnB.hover();
  await welcomeOnB.getByRole('button', { name: 'Add reaction' }).click();
  await b.getByRole('button', { name: 'tada', exact: true }).click();
  await messageWithText(a, 'welcome to').locator('.reaction', { hasText: '1' }).waitFor();

  // Alice edits her message; Bob sees the new text marked as edited.
  const welcomeOnA = messageWithText(a, 'welcome to');
  await welcomeOnA.hover();
  await welcomeOnA.getByRole('button', { name: 'Edit message' }).click();
  const editBox = a.getByRole('textbox', { name: 'Edit message' });
  await editBox.fill('Hello Bob, welcome (edited text)');
  await editBox.press('Enter');
  await messageWithText(b, 'welcome (edited text)').locator('.edited').waitFor();

  // A thread: Alice replies to Bob's message in the side pane; Bob sees the reply count and
  // opens the thread to read it.
  const thanksOnA = messageWithText(a, 'Thanks Alice!');
  await thanksOnA.hover();
  await thanksOnA.getByRole('button', { name: 'Reply in thread' }).click();
  const threadBox = a.getByRole('textbox', { name: 'Reply in thread' });
  await threadBox.fill('A reply in the thread');
  await threadBox.press('Enter');
  await messageWithText(a, 'A reply in the thread', '.thread-pane').waitFor();
  await b.getByRole('button', { name: '1 reply' }).click();
  await messageWithText(b, 'A reply in the thread', '.thread-pane').waitFor();
  await screenshot(b, '03-thread');
  await b.keyboard.press('Escape');
  await b.locator('.thread-pane').waitFor({ state: 'detached' });

  // A direct message from Bob, opened through the quick switcher.
  await b.keyboard.press('Control+k');
  await b.getByRole('combobox', { name: 'Jump to' }).fill('Alice');
  await b.getByRole('option', { name: /Alice Owner/ }).waitFor();
  await b.keyboard.press('Enter');
  await b.getByRole('heading', { name: 'Alice Owner' }).waitFor();
  await send(b, 'A private word');
  const dmOnA = sidebarItem(a, 'Bob Member');
  await dmOnA.locator('.badge.mention').waitFor();
  await dmOnA.locator('.presence.active').waitFor();
  await dmOnA.click();
  await messageWithText(a, 'A private word').waitFor();
  await screenshot(a, '04-dm');

  // Alice deletes her channel message; it disappears from Bob's screen.
  await openConversation(a, 'general');
  await send(a, 'This will be deleted');
  await b.keyboard.press('Alt+ArrowUp');
  await b.getByRole('heading', { name: '#general' }).waitFor();
  await messageWithText(b, 'This will be deleted').waitFor();
  const doomed = messageWithText(a, 'This will be deleted');
  await doomed.hover();
  await doomed.getByRole('button', { name: 'Delete message' }).click();
  await messageWithText(b, 'This will be deleted').waitFor({ state: 'detached' });

  // The dark theme, for the reviewer.
  await a.getByRole('button', { name: 'Theme' }).click();
  await screenshot(a, '05-dark');

  await alice.context.close();
  await bob.context.close();
});
