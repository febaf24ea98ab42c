// The qualities issue #4 asks of the client, shown in a real browser: desktop notifications
// for mentions and DMs only, a full reload after a gap the server cannot replay, names and
// landmarks for assistive technology, a usable layout at 200% zoom, a readable dark theme, and
// a read position that reaches the server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  messageWithText,
  newPage,
  openConversation,
  screenshot,
  send,
  shownTexts,
  sidebarItem,
  signIn,
  waitForWorkspace,
  openWorkspace,
  closeWorkspace,
} from './lib.mjs';

// Small, so that a short outage already exceeds what the server replays (docs/realtime.md).
const kMaxReplayEvents = 5;

let server;
let browser;
let team;
let random;
let general;

before(async () => {
  ({ server, browser, team } = await openWorkspace({
    extraArgs: ['--max-replay-events', String(kMaxReplayEvents)],
  }));
  const created = await server.api('conversations.create', team.owner.token, { name: 'random' });
  random = created.channel.id;
  await server.api('conversations.invite', team.owner.token, {
    channel: random,
    users: team.people[0].user_id,
  });
  const list = await server.api('conversations.list', team.owner.token);
  general = list.channels.find((c) => c.is_general).id;
});

after(() => closeWorkspace({ server, browser }));

// Records every notification the page raises, in window.__notifications, while still
// creating the real one: permission and requestPermission are the browser's own.
function recordNotifications() {
  const Real = window.Notification;
  window.__notifications = [];
  class Recorded extends Real {
    constructor(title, options = {}) {
      super(title, options);
      window.__notifications.push({ title, body: options.body, tag: options.tag });
    }
  }
  window.Notification = Recorded;
}

const notifications = (page) => page.evaluate(() => window.__notifications);

test('mentions and DMs raise one notification each; ordinary messages none', async (t) => {
  const { page, context } = await newPage(browser, server);
  // Closed even when the test fails: a page left open would read what later tests post.
  t.after(() => context.close());
  await context.grantPermissions(['notifications']);
  await context.addInitScript(recordNotifications);
  await signIn(page, 'member0@acme.test');
  await openConversation(page, 'general');
  assert.equal(await page.evaluate(() => Notification.permission), 'granted');

  // An ordinary message first: events arrive in order, so once the mention after it has
  // notified, the ordinary one has been handled too.
  const owner = team.owner.token;
  const member = team.people[0].user_id;
  await server.api('chat.postMessage', owner, { channel: random, text: 'just chatting' });
  await server.api('chat.postMessage', owner, {
    channel: random,
    text: `<@${member}> can you look at this?`,
  });
  await page.waitForFunction(() => window.__notifications.length >= 1);
  let shown = await notifications(page);
  assert.equal(shown.length, 1);
  assert.equal(shown[0].title, 'owner in #random');
  assert.equal(shown[0].body, '@member0 can you look at this?');

  // A DM from someone the person has never written with before.
  const { channel: dm } = await server.api('conversations.open', owner, { users: member });
  await server.api('chat.postMessage', owner, { channel: dm.id, text: 'a private word' });
  await page.waitForFunction(() => window.__notifications.length >= 2);
  shown = await notifications(page);
  assert.equal(shown.length, 2);
  assert.equal(shown[1].title, 'owner');
  assert.equal(shown[1].body, 'a private word');

  // Nothing for a message in the conversation on screen, even a mention.
  await server.api('chat.postMessage', owner, { channel: general, text: `<@${member}> here` });
  await messageWithText(page, 'here').waitFor();
  await server.api('chat.postMessage', owner, { channel: dm.id, text: 'a second word' });
  await page.waitForFunction(() => window.__notifications.length >= 3);
  shown = await notifications(page);
  assert.equal(shown.length, 3);
  assert.equal(shown[2].body, 'a second word');
});

test('after more missed events than the server replays, the page reloads them all', async (t) => {
  const { page, context } = await newPage(browser, server);
  t.after(() => context.close());
  const resyncs = [];
  page.on('websocket', (socket) =>
    socket.on('framereceived', ({ payload }) => {
      if (String(payload).includes('"resync_required"')) resyncs.push(payload);
    }),
  );
  await signIn(page, 'member0@acme.test');
  await openConversation(page, 'random');
  const owner = team.owner.token;
  await server.api('chat.postMessage', owner, { channel: random, text: 'before the gap' });
  await messageWithText(page, 'before the gap').waitFor();
  const before = await shownTexts(page);

  await context.setOffline(true);
  await page.locator('.connection-banner', { hasText: 'Reconnecting' }).waitFor();
  const missed = Array.from({ length: kMaxReplayEvents + 4 }, (_, i) => `gap ${i + 1}`);
  for (const text of missed) await server.api('chat.postMessage', owner, { channel: random, text });

  await context.setOffline(false);
  await page.locator('.connection-banner').waitFor({ state: 'detached' });
  await messageWithText(page, `gap ${missed.length}`).waitFor();
  assert.ok(resyncs.length >= 1, 'the server asked for a resync');
  assert.deepEqual(await shownTexts(page), [...before, ...missed]);

  // Still live after the reload.
  await server.api('chat.postMessage', owner, { channel: random, text: 'after the gap' });
  await messageWithText(page, 'after the gap').waitFor();
  assert.deepEqual(await shownTexts(page), [...before, ...missed, 'after the gap']);
});

// Chromium's own accessibility tree: the names a screen reader would announce.
async function unnamedControls(page) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  await cdp.detach();
  const controls = ['button', 'textbox', 'searchbox', 'combobox', 'checkbox', 'link'];
  return nodes
    .filter((n) => !n.ignored && controls.includes(n.role?.value))
    .filter((n) => !String(n.name?.value ?? '').trim())
    .map((n) => n.role.value);
}

// What has focus, described by role and name, for asserting the Tab order.
const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    const name = el === document.body ? '' : el.getAttribute('aria-label') || el.textContent.trim();
    const where = el.closest('nav') ? 'nav' : el.closest('main') ? 'main' : 'other';
    return `${where}:${el.tagName.toLowerCase()}:${name}`;
  });

test('controls have names, landmarks exist, Tab moves in order, 200% zoom works', async (t) => {
  const { page, context } = await newPage(browser, server);
  t.after(() => context.close());
  await signIn(page, 'member0@acme.test');
  await openConversation(page, 'random');

  assert.deepEqual(await unnamedControls(page), []);
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
  await page.getByRole('main', { name: '#random' }).waitFor();
  await page.getByRole('log', { name: 'Messages' }).waitFor();

  // Forward from the composer: Send, then out of the page and round to the sidebar, which
  // comes first. Backward: the message list, then the conversation's header.
  const box = page.getByRole('textbox', { name: 'Message #random' });
  await box.fill('tabbing');
  assert.equal(await focused(page), 'main:textarea:Message #random');
  const forward = [];
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    forward.push(await focused(page));
  }
  assert.deepEqual(forward, [
    'main:button:Send',
    'other:body:',
    'nav:button:Shortcuts',
    'nav:button:Browse',
  ]);
  await box.focus();
  await page.keyboard.press('Shift+Tab');
  assert.ok(await page.evaluate(() => !!document.activeElement.closest('.messages')));
  await page.getByRole('log', { name: 'Messages' }).focus();
  const backward = [];
  for (let i = 0; i < 3; i++) {
    backward.push(await focused(page));
    await page.keyboard.press('Shift+Tab');
  }
  assert.deepEqual(backward, ['main:div:Messages', 'main:button:Leave', 'main:button:Pins']);
  assert.equal(await focused(page), 'main:button:Mark as read');
  await box.fill('');

  // 200% zoom on a 1280x800 screen: 640x400 CSS pixels at two device pixels each.
  const zoomed = await newPage(browser, server, {
    viewport: { width: 640, height: 400 },
    deviceScaleFactor: 2,
  });
  t.after(() => zoomed.context.close());
  const zpage = zoomed.page;
  await signIn(zpage, 'member0@acme.test');
  await openConversation(zpage, 'random');
  const overflow = await zpage.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  const reachable = [
    zpage.getByRole('navigation', { name: 'Conversations' }),
    sidebarItem(zpage, 'general'),
    zpage.getByRole('log', { name: 'Messages' }),
    zpage.getByRole('textbox', { name: 'Message #random' }),
    zpage.getByRole('button', { name: 'Send' }),
  ];
  for (const [index, locator] of reachable.entries()) {
    await locator.scrollIntoViewIfNeeded();
    assert.ok(await locator.isVisible(), `control ${index} is visible`);
    const box = await locator.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 640 + 1, `control ${index} fits the width`);
  }
  await zpage.getByRole('textbox', { name: 'Message #random' }).scrollIntoViewIfNeeded();
  await screenshot(zpage, '11-zoom-200-composer');
  await zpage.getByRole('navigation', { name: 'Conversations' }).scrollIntoViewIfNeeded();
  await screenshot(zpage, '12-zoom-200-sidebar');

  // The sidebar still opens conversations at that size.
  await sidebarItem(zpage, 'general').click();
  await zpage.getByRole('heading', { name: '#general' }).waitFor();
});

// WCAG's contrast ratio between two CSS colours (rgb()/rgba() as getComputedStyle gives them).
function contrastRatio(foreground, background) {
  const luminance = (css) => {
    const [r, g, b] = css
      .match(/[\d.]+/g)
      .slice(0, 3)
      .map(Number);
    const linear = (c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  };
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}

// The colour of a message's text and the first opaque background behind it.
const messageColours = (page, text) =>
  messageWithText(page, text)
    .locator('.text')
    .evaluate((el) => {
      const colour = getComputedStyle(el).color;
      for (let at = el; at; at = at.parentElement) {
        const background = getComputedStyle(at).backgroundColor;
        if (!/rgba\(.*, 0\)$/.test(background) && background !== 'transparent')
          return { colour, background };
      }
      return { colour, background: 'rgb(255, 255, 255)' };
    });

const bodyBackground = (page) =>
  page.evaluate(() => getComputedStyle(document.body).backgroundColor);

test('the dark theme follows the system, is readable, and the Theme control switches it', async (t) => {
  const { page, context } = await newPage(browser, server, { colorScheme: 'dark' });
  t.after(() => context.close());
  await signIn(page, 'member0@acme.test');
  await openConversation(page, 'general');
  await send(page, 'reading in the dark');

  const dark = await messageColours(page, 'reading in the dark');
  assert.ok(contrastRatio(dark.background, 'rgb(0, 0, 0)') < 2, `dark: ${dark.background}`);
  const darkRatio = contrastRatio(dark.colour, dark.background);
  assert.ok(darkRatio >= 4.5, `dark text contrast ${darkRatio.toFixed(2)}`);
  const body = await bodyBackground(page);
  assert.ok(contrastRatio(body, 'rgb(0, 0, 0)') < 2, `dark body: ${body}`);

  // Buttons on the accent colour (Send) must be as readable as the text.
  await page.locator('.conversation .composer textarea').fill('a draft');
  const sendButton = await page.getByRole('button', { name: 'Send' }).evaluate((el) => ({
    colour: getComputedStyle(el).color,
    background: getComputedStyle(el).backgroundColor,
  }));
  const sendRatio = contrastRatio(sendButton.colour, sendButton.background);
  assert.ok(sendRatio >= 4.5, `dark Send button contrast ${sendRatio.toFixed(2)}`);
  await screenshot(page, '13-dark-system');
  await page.locator('.conversation .composer textarea').fill('');

  // The in-app toggle overrides the system, and its choice survives a reload.
  await page.getByRole('button', { name: 'Theme' }).click();
  const light = await messageColours(page, 'reading in the dark');
  assert.ok(
    contrastRatio(light.background, 'rgb(255, 255, 255)') < 2,
    `light: ${light.background}`,
  );
  assert.ok(contrastRatio(light.colour, light.background) >= 4.5);
  await page.reload();
  await waitForWorkspace(page);
  await messageWithText(page, 'reading in the dark').waitFor();
  assert.deepEqual(await messageColours(page, 'reading in the dark'), light);
  await page.getByRole('button', { name: 'Theme' }).click();
  assert.deepEqual(await messageColours(page, 'reading in the dark'), dark);
});

// The member's read position as the server keeps it.
const lastRead = async (channel) => {
  const info = await server.api('conversations.info', team.people[0].token, { channel });
  return info.channel.last_read;
};

test('the New messages line marks the first unread message; reading moves last_read', async (t) => {
  const { page, context } = await newPage(browser, server);
  t.after(() => context.close());
  await signIn(page, 'member0@acme.test');
  await openConversation(page, 'general');

  // Everything up to 'read already' was read elsewhere (another tab, say); three more follow.
  const owner = team.owner.token;
  const member = team.people[0].token;
  const read = await server.api('chat.postMessage', owner, {
    channel: random,
    text: 'read already',
  });
  await server.api('conversations.mark', member, { channel: random, ts: read.ts });
  const unread = [];
  for (const text of ['first unread', 'second unread', 'third unread']) {
    unread.push((await server.api('chat.postMessage', owner, { channel: random, text })).ts);
  }
  await page.reload();
  await waitForWorkspace(page);
  const item = sidebarItem(page, 'random');
  await item.locator('.badge').waitFor();
  assert.equal(await item.getAttribute('data-unread'), '3');

  await openConversation(page, 'random');
  await page.locator('.unread-divider', { hasText: 'New messages' }).waitFor();
  const afterDivider = await page.locator('.unread-divider + .message .text').first().innerText();
  assert.equal(afterDivider, 'first unread');
  await screenshot(page, '14-new-messages');

  // Opening it read it: the server's read position is the newest message.
  await item.locator('.badge').waitFor({ state: 'detached' });
  for (let i = 0; i < 50 && (await lastRead(random)) !== unread[2]; i++) {
    await page.waitForTimeout(100);
  }
  assert.equal(await lastRead(random), unread[2]);

  await page.reload();
  await waitForWorkspace(page);
  assert.equal(await sidebarItem(page, 'random').getAttribute('data-unread'), '0');
  await openConversation(page, 'random');
  await messageWithText(page, 'third unread').waitFor();
  assert.equal(await page.locator('.unread-divider').count(), 0);
});
