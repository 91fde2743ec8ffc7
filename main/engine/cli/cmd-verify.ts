import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { withEngine, type GlobalOptions } from './context.js';
import { printJson, progressBar } from './output.js';

/** `keepsake verify [--sample PERCENT]`: re-read stored copies and compare checksums; repair what it can. */
export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      're-read stored copies (all, or a random sample) and compare checksums; missing or damaged copies are sent again',
    )
    .option('--sample <percent>', 'check a random sample of this many percent', (v) => {
      const n = Number(v);
      if (!(n > 0 && n <= 100)) throw new InvalidArgumentError('expected a percentage between 0 and 100');
      return n;
    })
    .action(async (opts: { sample?: number }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(g, async (engine) => {
        const bar = progressBar(!g.json, 'Verifying');
        let started = false;
        const result = await engine.verify({
          percent: opts.sample ?? 100,
          onProgress: (done, total) => {
            if (!started) bar.start(total);
            started = true;
            bar.update(done);
          },
        });
        bar.stop();
        if (g.json) printJson(result);
        else {
          console.log(
            `Checked ${result.checked} stored copies: ${result.ok} good, ${result.missing.length} missing, ${result.corrupt.length} damaged.`,
          );
          if (result.requeued)
            console.log(`Sent ${result.requeued} object(s) again from the originals on this computer.`);
          for (const u of result.unrepairable) {
            console.log(
              `CANNOT REPAIR ${u.hash} on ${u.destination}: the original is no longer on this computer; good copies: ${u.otherCopies.join(', ') || 'NONE'}`,
            );
          }
          for (const t of result.tamperedManifests)
            console.log(`MANIFEST CHANGED OR MISSING: ${t.key} on ${t.destination}`);
          for (const w of result.rewrittenManifests)
            console.log(`Wrote the manifest again from this computer's index: ${w}`);
          for (const u of result.unreachable) console.log(`NOT CHECKED ${u.destination}: ${u.reason}`);
        }
        const bad =
          result.missing.length +
          result.corrupt.length +
          result.tamperedManifests.length +
          result.unreachable.length;
        if (bad > 0) process.exitCode = 1;
      });
    });
}
