import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { agentFile } from '../cli/agent-file.js';
import { runCli, startCli, type RunningCli } from '../testing/cli.js';
import { makeTestHome, type TestHome } from '../testing/home.js';
import { until } from '../testing/until.js';

// Issue 15 item 6: the login link worked once, the port changed on every start, a used link showed
// raw JSON and the only way to a new link was a restart.

let h: TestHome | undefined;
let agent: RunningCli | undefined;
afterEach(async () => {
  if (agent && agent.child.exitCode === null) {
    agent.child.kill('SIGTERM');
    await agent.done;
  }
  agent = undefined;
  await h?.remove();
  h = undefined;
});

async function start(home: string): Promise<{ run: RunningCli; port: number }> {
  const run = await startCli(home, ['run']);
  await until(async () => /open http:\/\/127\.0\.0\.1:\d+\/login/.test(run.stdout), 'the login link', 30_000);
  await until(async () => existsSync(agentFile(home)), 'agent.json', 10_000);
  const port = Number(/127\.0\.0\.1:(\d+)\/login/.exec(run.stdout)![1]);
  return { run, port };
}

describe('a fresh login link for the running agent (CLI)', { timeout: 120_000 }, () => {
  it('keepsake open prints a link that signs in; a used one shows a page saying what to do; the port stays', async () => {
    h = await makeTestHome({ destinations: ['A'] });
    const first = await start(h.home);
    agent = first.run;

    const opened = await runCli(h.home, ['open']);
    expect(opened.code, opened.stderr).toBe(0);
    const link = /open (http:\/\/127\.0\.0\.1:\d+\/login\?token=\S+)/.exec(opened.stdout)?.[1];
    expect(link).toBeDefined();
    const signIn = await fetch(link!, { redirect: 'manual' });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('set-cookie')).toMatch(/HttpOnly/i);

    // Used again, in a browser: a page, not raw JSON.
    const again = await fetch(link!, { redirect: 'manual', headers: { Accept: 'text/html' } });
    expect(again.status).toBe(401);
    expect(again.headers.get('content-type')).toMatch(/text\/html/);
    const page = await again.text();
    expect(page).toContain('used already or has expired');
    expect(page).toContain('npx keepsake open');
    // The API still answers tools in JSON.
    const api = await fetch(link!.replace(/\/login\?.*/, '/api/status'));
    expect(await api.json()).toEqual({ error: 'missing or wrong secret' });

    // Stopped: the secret leaves the home with the process, and `open` says how to start Keepsake.
    agent.child.kill('SIGTERM');
    await agent.done;
    expect(readFileSync(agentFile(h.home), 'utf8')).not.toContain('secret');
    const notRunning = await runCli(h.home, ['open']);
    expect(notRunning.code).toBe(2);
    expect(notRunning.stderr).toMatch(/^keepsake: Keepsake is not running on .*: start it with `npm start`/);

    // Started again: the same port, so an open window's address still works.
    const second = await start(h.home);
    agent = second.run;
    expect(second.port).toBe(first.port);
  });
});
