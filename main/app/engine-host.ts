// The engine's process entry: what the shell forks with utilityProcess (`engine-host.js <cli.js> run ...`).
// It runs the engine's CLI unchanged and adds one thing a signal cannot give on Windows: a stop message
// from the shell, turned into the same SIGTERM path the CLI already handles (finish in-flight work,
// checkpoint, release the lock, exit 0). Plain Node: it must not import Electron.
import { pathToFileURL } from 'node:url';
import { STOP_MESSAGE } from './engine-messages.js';

/** A message port to the shell: Electron's parentPort in a utility process, Node's IPC channel otherwise. */
interface ParentChannel {
  onMessage(listener: (message: unknown) => void): void;
  close(): void;
}

function parentChannel(): ParentChannel | undefined {
  const port = (
    process as {
      parentPort?: {
        on(e: 'message', l: (e: { data: unknown }) => void): void;
        removeAllListeners(e: 'message'): void;
      };
    }
  ).parentPort;
  if (port)
    return {
      onMessage: (listener) => port.on('message', (e) => listener(e.data)),
      close: () => port.removeAllListeners('message'),
    };
  if (process.send)
    return {
      onMessage: (listener) => process.on('message', listener),
      close: () => {
        process.removeAllListeners('message');
        if (process.connected) process.disconnect();
      },
    };
  return undefined;
}

function isStop(message: unknown): boolean {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === STOP_MESSAGE.type
  );
}

/** Stops the engine as SIGTERM would: through the CLI's handler once it has one, else by exiting at once. */
function stop(): void {
  if (process.listenerCount('SIGTERM') > 0) process.emit('SIGTERM', 'SIGTERM');
  else process.exit(0);
}

const [cli, ...args] = process.argv.slice(2);
if (!cli) {
  console.error('usage: engine-host <path of the engine CLI> <command> [options]');
  process.exit(2);
}
const channel = parentChannel();
channel?.onMessage((message) => isStop(message) && stop());
// The CLI reads its arguments from process.argv, as if it had been started itself.
process.argv = [process.argv[0]!, cli, ...args];
try {
  await import(pathToFileURL(cli).href);
} catch (err) {
  console.error(`keepsake: the engine could not start: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 3;
}
// Done: let the process end; if an open handle keeps it alive, end it shortly after.
channel?.close();
setTimeout(() => process.exit(), 3000).unref();
