// The engine's end of the message port to the desktop shell. Electron's utility process has
// `process.parentPort` (messages arrive as `{ data }` events); a Node child process has `process.send`;
// tests and workers use a worker_threads MessagePort. All three look the same to the engine here.

/** A two-way message channel to the desktop shell. */
export interface ShellChannel {
  /** Sends a message (structured-cloneable plain data). Throws when the channel is closed. */
  post(message: unknown): void;
  /**
   * Calls `listener` with each message from the shell until the returned function is called. Listen
   * only while waiting for something: a listener keeps the process's channel open.
   */
  listen(listener: (message: unknown) => void): () => void;
}

/** The parts of a worker_threads MessagePort (or any emitter of plain `message` values) the channel uses. */
export interface PortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** A channel over a worker_threads MessagePort (its messages are the values themselves). */
export function channelFromPort(port: PortLike): ShellChannel {
  return {
    post: (message) => port.postMessage(message),
    listen: (listener) => {
      port.on('message', listener);
      return () => void port.off('message', listener);
    },
  };
}

/** Electron's `process.parentPort` in a utility process: messages arrive wrapped as `{ data }`. */
interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  off(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

/** The process-level parts the channel looks for (Node's `process`, Electron's adds `parentPort`). */
export interface ProcessLike {
  parentPort?: ElectronParentPort;
  send?: (message: unknown, callback: (err: Error | null) => void) => boolean;
  connected?: boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/**
 * The channel to the process that started this one: Electron's parentPort when the shell forked it
 * with utilityProcess, Node's IPC channel when it was forked by Node; undefined when there is neither.
 */
export function parentChannel(
  proc: ProcessLike = process as unknown as ProcessLike,
): ShellChannel | undefined {
  const port = proc.parentPort;
  if (port)
    return {
      post: (message) => port.postMessage(message),
      listen: (listener) => {
        const unwrap = (event: { data: unknown }) => listener(event.data);
        port.on('message', unwrap);
        return () => void port.off('message', unwrap);
      },
    };
  const send = proc.send;
  if (send)
    return {
      post: (message) => {
        if (proc.connected === false) throw new Error('the channel to the desktop app is closed');
        // A failure after this point (the shell went away meanwhile) is not worth crashing for: the
        // request times out, the notification is lost with the shell that would have shown it.
        send.call(proc, message, () => undefined);
      },
      listen: (listener) => {
        proc.on('message', listener);
        return () => void proc.off('message', listener);
      },
    };
  return undefined;
}
