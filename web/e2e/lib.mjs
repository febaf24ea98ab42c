// Shared by the end-to-end tests: a real `parley serve` (tests/lib/server.mjs) serving the
// built client, and Debian's Chromium driven by playwright-core. Nothing is mocked.
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { ParleyServer, createTeam } from '../../tests/lib/server.mjs';

export const WEB_ROOT = new URL('../dist/', import.meta.url).pathname;
export const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
export const PASSWORD = 'a long enough passphrase';
const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
const WAIT_MS = 10_000;

// `extraArgs` are more `parley serve` flags, e.g. a small `--max-replay-events`.
export async function startServer(extraArgs = []) {
  return new ParleyServer({ extraArgs: ['--web-root', WEB_ROOT, ...extraArgs] }).start();
}

// The fixture most test files share: a server serving the client, a browser, and a
// workspace with an owner and `members` members. Pair with closeWorkspace in `after`.
export async function openWorkspace({ extraArgs = [], members = 1 } = {}) {
  const server = await startServer(extraArgs);
  const browser = await launchBrowser();
  return { server, browser, team: makeTeam(server, members) };
}

// Safe on a partly opened fixture (a failed `before`).
export async function closeWorkspace({ server, browser } = {}) {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
}

// playwright-core starts the browser with a fresh temporary profile of its own every time.
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

// `options` go to browser.newContext, over the defaults (e.g. a viewport or a colour scheme).
export async function newPage(browser, server, options = {}) {
  const context = await browser.newContext({
    baseURL: server.url,
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('dialog', (dialog) => dialog.accept());
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  return { context, page };
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}${name}.png` });
}

// A workspace made with the admin CLI, with an owner and `count` members, all signing in
// with PASSWORD.
export function makeTeam(server, count = 1) {
  const { owner, members } = createTeam(server, {
    members: count,
    ownerPassword: PASSWORD,
    memberPassword: PASSWORD,
  });
  return { owner, people: members };
}

export async function signIn(page, email) {
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitForWorkspace(page);
}

export async function waitForWorkspace(page) {
  await page.locator('.sidebar-item').first().waitFor();
  await page.locator('.history-top').waitFor();
}

export function sidebarItem(page, name) {
  return page.locator('.sidebar-item', { has: page.locator('.name', { hasText: name }) });
}

export async function openConversation(page, name) {
  await sidebarItem(page, name).click();
  await page.getByRole('heading', { name: new RegExp(`^#?${name}$`) }).waitFor();
}

// Types and sends a message; unless told otherwise, waits until the server has stored it
// (the greyed pending copy is gone), so the next step sees the stored message.
export async function send(page, text, { waitStored = true } = {}) {
  const box = page.locator('.conversation .composer textarea');
  await box.fill(text);
  await box.press('Enter');
  if (waitStored)
    await page.locator('.conversation .message.pending').waitFor({ state: 'detached' });
}

// The texts of the messages the page shows in the open conversation, in order.
export async function shownTexts(page) {
  return page.locator('.conversation .message:not(.pending) .text').allInnerTexts();
}

export function messageWithText(page, text, scope = '.conversation') {
  return page.locator(`${scope} .message`, { has: page.locator('.text', { hasText: text }) });
}
