import type { Command } from 'commander';
import { ConfigError } from '../config/errors.js';
import { readAgent } from './agent-file.js';
import { homeOf, type GlobalOptions } from './context.js';
import { printJson } from './output.js';

/** `keepsake open`: a fresh one-time login link for the Keepsake running on this home. */
export function registerOpen(program: Command): void {
  program
    .command('open')
    .description("print a new one-time link to Keepsake's window (the agent must be running)")
    .action(async (_opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const home = homeOf(g);
      const notRunning = () =>
        new ConfigError(
          `Keepsake is not running on ${home}: start it with \`npm start\` (or \`npx keepsake run\`), which prints a link.`,
        );
      const agent = readAgent(home);
      if (!agent) throw notRunning();
      let res: Response;
      try {
        res = await fetch(new URL('api/login-link', agent.url), {
          method: 'POST',
          headers: { Authorization: `Bearer ${agent.secret}`, 'Content-Type': 'application/json' },
          body: '{}',
        });
      } catch {
        throw notRunning(); // the agent that wrote the file is gone
      }
      if (!res.ok) throw notRunning();
      const { url } = (await res.json()) as { url: string };
      if (g.json) return printJson({ url });
      console.log(`Keepsake's window: open ${url}`);
      console.log('  (the link works once)');
    });
}
