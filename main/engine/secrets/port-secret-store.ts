import { systemClock, type Clock } from '../clock.js';
import {
  claimedId,
  hasType,
  MAX_SECRET_CHARS,
  SECRET_REQUEST,
  SECRET_RESPONSE,
  secretResponseSchema,
  type SecretRequest,
} from './protocol.js';
import { SECRET_NAME, SecretsError, type SecretStore } from './secret-store.js';
import type { ShellChannel } from './shell-channel.js';

/** Options of PortSecretStore. */
export interface PortSecretStoreOptions {
  /** How long the shell may take to answer (default 30 s: a keychain may ask the user first). */
  timeoutMs?: number;
  clock?: Clock;
  /** Where the shell keeps the values, for messages. */
  where?: string;
}

interface Pending {
  resolve(value: string | null): void;
  reject(err: Error): void;
  abort: AbortController;
}

/**
 * The engine's secrets when it runs under the desktop shell: each get/put/delete is a request to the
 * shell over the message port, answered from the shell's OS-keychain vault. Requests carry ids and
 * time out; answers are validated, and a malformed answer fails its request. Messages that are not
 * answers are left to others (the stop message); it listens only while a request is outstanding.
 */
export class PortSecretStore implements SecretStore {
  readonly where: string;
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private unlisten: (() => void) | undefined;

  constructor(
    private readonly channel: ShellChannel,
    opts: PortSecretStoreOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.clock = opts.clock ?? systemClock;
    this.where = opts.where ?? "the system keychain (kept by Keepsake's desktop app)";
  }

  async get(name: string): Promise<string | undefined> {
    return (await this.request({ op: 'get', name })) ?? undefined;
  }

  async put(name: string, value: string): Promise<void> {
    if (value.length > MAX_SECRET_CHARS) throw new SecretsError(`the secret ${name} is too large to keep`);
    await this.request({ op: 'put', name, value });
  }

  async delete(name: string): Promise<void> {
    await this.request({ op: 'delete', name });
  }

  private request(
    body:
      | { op: 'get'; name: string }
      | { op: 'put'; name: string; value: string }
      | { op: 'delete'; name: string },
  ): Promise<string | null> {
    if (!SECRET_NAME.test(body.name))
      return Promise.reject(new SecretsError(`not a secret name: ${body.name}`));
    const id = this.nextId++;
    const message = { type: SECRET_REQUEST, id, ...body } as SecretRequest;
    return new Promise<string | null>((resolve, reject) => {
      const abort = new AbortController();
      this.pending.set(id, { resolve, reject, abort });
      this.unlisten ??= this.channel.listen((m) => this.onMessage(m));
      this.clock.sleep(this.timeoutMs, abort.signal).then(
        () =>
          this.settle(id, (p) =>
            p.reject(
              new SecretsError(
                `the desktop app did not answer for ${body.name} within ${Math.round(this.timeoutMs / 1000)} s`,
              ),
            ),
          ),
        () => undefined, // answered in time
      );
      try {
        this.channel.post(message);
      } catch (err) {
        this.settle(id, (p) =>
          p.reject(
            new SecretsError(`cannot reach the desktop app for ${body.name}: ${(err as Error).message}`),
          ),
        );
      }
    });
  }

  private onMessage(message: unknown): void {
    if (!hasType(message, SECRET_RESPONSE)) return;
    const parsed = secretResponseSchema.safeParse(message);
    if (!parsed.success) {
      const id = claimedId(message);
      if (id !== undefined)
        this.settle(id, (p) => p.reject(new SecretsError('the desktop app sent a malformed answer')));
      return;
    }
    const r = parsed.data;
    this.settle(r.id, (p) =>
      r.ok ? p.resolve(r.value) : p.reject(new SecretsError(`the desktop app refused: ${r.error}`)),
    );
  }

  /** Ends request `id` (if still outstanding) with `how`; stops listening when none is left. */
  private settle(id: number, how: (p: Pending) => void): void {
    const p = this.pending.get(id);
    if (!p) return; // unknown, or already answered or timed out
    this.pending.delete(id);
    p.abort.abort();
    how(p);
    if (this.pending.size === 0) {
      this.unlisten?.();
      this.unlisten = undefined;
    }
  }
}
