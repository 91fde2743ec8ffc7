import { expect, test } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { keepsake, raw, startAgent, tempDir, type Agent } from './support/agent.js';

// The local API refuses what is not the user's own window: no secret, a foreign Origin, a rebinding
// Host, a cross-site page in the same browser, a login link used twice.
test.describe.configure({ mode: 'serial' });

let tmp: ReturnType<typeof tempDir>;
let agent: Agent;

test.beforeAll(async () => {
  // Made here: Playwright also loads this file in its main process, only to list the tests.
  tmp = tempDir('security');
  const home = join(tmp.path, 'home');
  await keepsake(home, ['init']);
  agent = await startAgent(home);
});

test.afterAll(async () => {
  await agent?.stop();
  tmp?.cleanup();
});

test('raw requests: no secret, a wrong secret, a foreign Origin or Host are refused', async () => {
  const auth = { Authorization: `Bearer ${agent.secret}` };
  expect((await raw(agent.port, { path: '/api/status' })).status).toBe(401);
  expect(
    (await raw(agent.port, { path: '/api/status', headers: { Authorization: 'Bearer wrong' } })).status,
  ).toBe(401);
  expect((await raw(agent.port, { path: '/api/events' })).status).toBe(401);
  expect(
    (await raw(agent.port, { path: '/api/status', headers: { ...auth, Origin: 'https://evil.example' } }))
      .status,
  ).toBe(403);
  expect(
    (await raw(agent.port, { path: '/api/status', headers: { ...auth, Host: `evil.example:${agent.port}` } }))
      .status,
  ).toBe(421);
  expect(
    (
      await raw(agent.port, {
        method: 'POST',
        path: '/api/pause',
        headers: { ...auth, 'Content-Type': 'text/plain' },
        body: '{"paused":true}',
      })
    ).status,
  ).toBe(415);
  expect((await raw(agent.port, { path: '/api/status', headers: auth })).status).toBe(200);
});

test('the browser: the UI needs the login link, which works once; a foreign Origin is refused even with the cookie', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Without the link not even the UI's page is served.
  const before = await page.goto(agent.url);
  expect(before?.status()).toBe(401);
  await page.goto(agent.loginUrl);
  await expect(page.getByRole('heading', { name: 'Welcome to Keepsake' })).toBeVisible();
  // The same link a second time, in another browser: refused.
  const other = await browser.newContext();
  const again = await other.request.get(agent.loginUrl, { maxRedirects: 0 });
  expect(again.status()).toBe(401);
  await other.close();
  // The signed-in context's own cookie, sent with a foreign Origin: refused all the same.
  const forged = await context.request.get(`${agent.url}api/status`, {
    headers: { Origin: 'http://evil.example' },
  });
  expect(forged.status()).toBe(403);
  const own = await context.request.get(`${agent.url}api/status`);
  expect(own.status()).toBe(200);
  await context.close();
});

test('a page of another site in the same signed-in browser cannot use the API', async ({ browser }) => {
  // Signed in with the session cookie itself (the login link was used by the test before).
  const context = await browser.newContext();
  await context.addCookies([
    { name: 'keepsake_session', value: agent.secret, url: agent.url, httpOnly: true, sameSite: 'Strict' },
  ]);
  const page = await context.newPage();
  await page.goto(agent.url);
  await expect(page.getByRole('heading', { name: 'Welcome to Keepsake' })).toBeVisible();
  // Another local site (another port is another origin) tries to read the status and to create a
  // wedding, by fetch and by a plain form post.
  const evil: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>evil</title><body></body>');
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
  const evilPort = (evil.address() as { port: number }).port;
  try {
    await page.goto(`http://127.0.0.1:${evilPort}/`);
    const results = await page.evaluate(async (target) => {
      const body = JSON.stringify({ couple: 'Evil', date: null, folders: [] });
      const read = await fetch(`${target}api/status`, { credentials: 'include' }).then(
        async (r) => `read ${r.status} ${await r.text()}`,
        () => 'read blocked',
      );
      const write = await fetch(`${target}api/weddings`, {
        method: 'POST',
        mode: 'no-cors',
        credentials: 'include',
        headers: { 'Content-Type': 'text/plain' },
        body,
      }).then(
        () => 'write sent',
        () => 'write blocked',
      );
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = `${target}api/weddings`;
      form.enctype = 'text/plain';
      const input = document.createElement('input');
      input.name = body.slice(0, -1);
      input.value = '}';
      form.append(input);
      document.body.append(form);
      form.submit();
      return [read, write];
    }, agent.url);
    expect(results[0]).toBe('read blocked');
    await page.waitForLoadState();
  } finally {
    evil.close();
    await context.close();
  }
  // Nothing was created. The same request with the secret does create one, so the check can fail.
  const auth = { Authorization: `Bearer ${agent.secret}` };
  const weddings = async () =>
    (
      JSON.parse((await raw(agent.port, { path: '/api/status', headers: auth })).body) as {
        weddings: { wedding: { couple: string } }[];
      }
    ).weddings.map((w) => w.wedding.couple);
  expect(await weddings()).toEqual([]);
  const control = await raw(agent.port, {
    method: 'POST',
    path: '/api/weddings',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ couple: 'Control', date: null, folders: [] }),
  });
  expect(control.status).toBe(200);
  expect(await weddings()).toEqual(['Control']);
});
