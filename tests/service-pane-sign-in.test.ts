import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { hasChromium, OFFICE_JS, screenshot, type Browser } from './support/browser.js';
import { gradsheet } from './support/cli.js';
import { fillTinyRun, startPaneSession, type PaneSession } from './support/pane-page.js';
import type { Service } from './support/service.js';

/**
 * The task pane in Chromium against a class's service (accounts on): it asks for a
 * token when the service answers 401, keeps it for that service outside the workbook,
 * sends it on every request and on the event stream, says plainly when a token is
 * wrong or revoked, and forgets it on Sign out.
 */

let session: PaneSession;
let browser: Browser;
let service: Service;
let dataDir: string;
let stub: string;
let pageErrors: string[] = [];
const tokens: Record<string, string> = {};

beforeAll(async () => {
  if (!hasChromium) return;
  session = await startPaneSession({}, async (data) => {
    dataDir = data;
    for (const name of ['ada', 'bob']) {
      const added = await gradsheet(['users', 'add', name, '--data-dir', data]);
      tokens[name] = added.stdout.trimEnd().split('\n').at(-1) as string;
    }
  });
  ({ browser, service, stub, pageErrors } = session);
});
afterAll(() => session?.close());
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

/** The pane as Excel shows it (office.js stubbed, the fake of Excel behind it), in a tab of the shared browser profile. */
async function openPane(): Promise<{ page: Page; authorizations: Map<string, string | undefined> }> {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.addInitScript(`window.__officeStub = ${JSON.stringify({ host: 'Excel' })};`);
  await page.route(OFFICE_JS, (route) => route.fulfill({ contentType: 'application/javascript', body: stub }));
  // What each API request carried, by path (the last one for each).
  const authorizations = new Map<string, string | undefined>();
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) authorizations.set(url.pathname.replace(/[0-9a-f-]{36}/, ':id'), request.headers().authorization);
  });
  await page.goto(`${service.url}/taskpane.html`);
  return { page, authorizations };
}

const signIn = async (page: Page, token: string) => {
  await page.fill('#token', token);
  await page.click('#sign-in-submit');
};

const storedTokens = (page: Page) =>
  page.evaluate('Object.fromEntries(Object.keys(localStorage).filter((key) => key.includes("token")).map((key) => [key, localStorage.getItem(key)]))') as Promise<Record<string, string>>;

describe.skipIf(!hasChromium)('the task pane signed in to a class’s service', () => {
  it('asks for a token once, says plainly when it is wrong, then works with it on every request, the event stream included', async () => {
    const { page, authorizations } = await openPane();
    await page.waitForSelector('#sign-in:not([hidden])');
    expect(await page.textContent('#sign-in-reason')).toBe('This GradSheet service is shared by a class. Enter the token your teacher gave you.');
    // Every request refused so far waits on this one form: the pane has not started without its models.
    expect(await page.getAttribute('body', 'data-ready')).toBeNull();
    await screenshot(page, 'sign-in-1-asked');

    await signIn(page, `${tokens.ada?.slice(0, -3)}xyz`);
    await page.waitForSelector('#sign-in-reason:has-text("did not accept")');
    expect(await page.textContent('#sign-in-reason')).toBe(
      'The service did not accept that token: it may be mistyped, or your teacher may have revoked it. Enter the token your teacher gave you, or ask them for a new one.',
    );
    await screenshot(page, 'sign-in-2-refused');

    await signIn(page, tokens.ada as string);
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector('#account:not([hidden])');
    expect(await page.textContent('#account-name')).toBe('Signed in as ada');
    expect(await page.isVisible('#sign-in')).toBe(false);
    expect(await page.textContent('#model-summary')).toMatch(/Total params: 7,774/);

    // A run, streamed into its sheet through the authenticated stream.
    await fillTinyRun(page, { epochs: 2, adam: true });
    await page.click('#start');
    await page.waitForSelector('#run-status[data-finished="done"]', { timeout: 120_000 });
    expect(await page.getAttribute('#run-status', 'data-written')).toBe('2');
    await screenshot(page, 'sign-in-3-run-streamed');
    // The report's link works without a header: a link cannot send one (nor can the browser Office opens it in).
    const href = (await page.getAttribute('#report', 'href')) ?? '';
    expect(href).toMatch(/^\/api\/runs\/[0-9a-f-]{36}\/report\.xlsx\?link=u:ada\./);
    const report = await fetch(`${service.url}${href}`);
    expect(report.status).toBe(200);
    expect(report.headers.get('content-disposition')).toMatch(/attachment; filename="gradsheet-.*\.xlsx"/);
    expect((await fetch(`${service.url}${href.split('?')[0]}`)).status).toBe(401);
    for (const path of ['/api/models', '/api/session', '/api/runs', '/api/runs/:id', '/api/runs/:id/events', '/api/runs/:id/report-link']) {
      expect(authorizations.get(path), path).toBe(`Bearer ${tokens.ada}`);
    }

    // Kept for this service in the pane's storage, never in the workbook's settings.
    expect(Object.values(await storedTokens(page))).toEqual([tokens.ada]);
    expect(Object.keys(await storedTokens(page))[0]).toBe(`gradsheet.token:${service.url}`);
    const settings = JSON.stringify(await page.evaluate('window.__fakeExcel.settings()'));
    expect(settings).not.toContain(tokens.ada);
    expect(settings).not.toContain('gs_');
    await page.close();
  });

  it('keeps the token across a reload, asks again with a plain sentence once it is revoked, and forgets it on Sign out', async () => {
    const { page } = await openPane();
    // Signed in still, from the first test's storage.
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector('#account:not([hidden])');
    expect(await page.isVisible('#sign-in')).toBe(false);

    const [token] = Object.values(await storedTokens(page));
    expect((await gradsheet(['users', 'remove', 'ada', '--data-dir', dataDir])).code).toBe(0);
    // The service looks at its accounts a few times a second: wait until it refuses the token, however slow the machine.
    await vi.waitFor(async () => expect((await fetch(`${service.url}/api/session`, { headers: { authorization: `Bearer ${String(token)}` } })).status).toBe(401), { timeout: 10_000, interval: 50 });
    await page.selectOption('#model', 'seed-11154');
    await page.waitForSelector('#sign-in:not([hidden])');
    expect(await page.textContent('#sign-in-reason')).toMatch(/did not accept that token: it may be mistyped, or your teacher may have revoked it/);
    expect(await storedTokens(page)).toEqual({});
    await screenshot(page, 'sign-in-4-revoked');

    await signIn(page, tokens.bob as string);
    await page.waitForSelector('#model-summary:has-text("11,154")');
    await page.waitForSelector('#account-name:has-text("bob")');

    await page.click('#sign-out');
    await page.waitForSelector('#sign-in:not([hidden])');
    expect(await page.textContent('#sign-in-reason')).toBe('This GradSheet service is shared by a class. Enter the token your teacher gave you.');
    expect(await storedTokens(page)).toEqual({});
    await page.close();
  });
});
