// Node preload for the benchmark: `node --import ./bench/io-probe.mjs bin/keepsake.js ...`.
// Just before the process exits it writes its own /proc/self/io counters (read_bytes, rchar, ...)
// and peak memory (VmHWM) as JSON to the file named by KEEPSAKE_BENCH_PROBE, so the benchmark can
// measure what the CLI itself read from disk. Without that variable it does nothing.
import { readFileSync, writeFileSync } from 'node:fs';

const target = process.env.KEEPSAKE_BENCH_PROBE;

/** Parses `key: value` lines (/proc/self/io, /proc/self/status) into numbers; kB values into bytes. */
function parseProc(file) {
  const out = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(\w+):\s+(\d+)(\s+kB)?/.exec(line);
    if (m) out[m[1]] = Number(m[2]) * (m[3] ? 1024 : 1);
  }
  return out;
}

if (target) {
  process.on('exit', (code) => {
    try {
      const io = parseProc('/proc/self/io');
      const status = parseProc('/proc/self/status');
      writeFileSync(
        target,
        JSON.stringify({
          pid: process.pid,
          code,
          io,
          vmHwmBytes: status.VmHWM ?? null,
          vmRssBytes: status.VmRSS ?? null,
        }),
      );
    } catch (err) {
      writeFileSync(target, JSON.stringify({ pid: process.pid, code, error: String(err) }));
    }
  });
}
