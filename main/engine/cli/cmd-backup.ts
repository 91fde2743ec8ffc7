import type { Command } from 'commander';
import type { StatusReport } from '../../../shared/model/status.js';
import { formatEta, PhotoProgress } from './photo-progress.js';
import { RepeatedLines } from './repeated-lines.js';
import { withEngine, type GlobalOptions } from './context.js';
import { formatBytes, printJson, progressBar } from './output.js';
import { printStatus } from './cmd-status.js';

/** `keepsake backup --once`: scan, back up everything pending, exit 0 only when every file meets its target. */
export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('back up everything pending, then exit (0 when every file meets its protection target)')
    .option('--once', 'scan, back up and exit (the default and only mode of this command)')
    .action(async (_opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(g, async (engine) => {
        const bar = progressBar(!g.json, 'Backing up', { eta: 'payload' });
        let read = 0;
        let files = 0;
        engine.on('read', (n) => (read += n));
        // Photo bytes, against what the scan found to send: see PhotoProgress.
        const progress = new PhotoProgress();
        let shown = { done: 0, total: 0, etaSeconds: null as number | null };
        const tick = () => {
          shown = progress.update(engine.pendingBytes(), engine.clock.now());
          bar.setTotal(shown.total);
          bar.update(shown.done, { timeLeft: formatEta(shown.etaSeconds) });
        };
        engine.on('file', () => files++);
        const problems = new RepeatedLines(
          (l) => process.stderr.write(`\n${l}\n`),
          () => engine.clock.now(),
        );
        engine.on('problem', (m) => {
          if (!g.json) problems.report(m, m);
        });
        const abort = new AbortController();
        const stop = () => abort.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        const started = performance.now();
        bar.start(0);
        const pending = setInterval(tick, 500);
        let report: StatusReport;
        try {
          report = await engine.backupOnce(abort.signal);
        } finally {
          clearInterval(pending);
          tick();
          bar.stop();
          if (!g.json) problems.flush();
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
        const seconds = (performance.now() - started) / 1000;
        if (g.json) printJson({ ...report, run: { filesProcessed: files, bytesRead: read, seconds } });
        else {
          console.log(
            `Processed ${files} file(s): ${formatBytes(shown.done)} of photos sent in ${seconds.toFixed(1)} s ` +
              `(${formatBytes(read)} read from disk, checks included).`,
          );
          printStatus(report);
        }
        if (!report.allProtected) process.exitCode = 1;
      });
    });
}
