import {
  claimedId,
  hasType,
  SECRET_REQUEST,
  SECRET_RESPONSE,
  secretRequestSchema,
  type SecretRequest,
  type SecretResponse,
} from './engine-boundary.js';
import type { KeychainVault } from './keychain-vault.js';

/** What the server needs: the vault, the way back to the engine, and optional hooks. */
export interface SecretServerOptions {
  vault: Pick<KeychainVault, 'get' | 'put' | 'delete'>;
  /** Posts a response to the engine's process. */
  post: (message: SecretResponse) => void;
  /**
   * Called when a `get` finds nothing, before looking once more: moves plaintext files the `keepsake`
   * command wrote while the app ran into the vault (see secret-migration.ts).
   */
  onMiss?: () => Promise<unknown>;
  /** A line for the log about a request that could not be answered (never a value). */
  log?: (line: string) => void;
}

/**
 * The shell's side of the engine's secrets: answers each `keepsake:secret-request` the engine's
 * process posts (get, put, delete of one named value) from the OS-keychain vault, with a response
 * carrying the same id. Every request is validated; a malformed one is answered with a refusal when
 * it has an id and dropped when it has none; a vault that cannot work answers with its reason.
 */
export class SecretServer {
  private migrating: Promise<unknown> | undefined;

  constructor(private readonly opts: SecretServerOptions) {}

  /** Answers `message` if it is a secret request (now or shortly); returns whether it was one. */
  handle(message: unknown): boolean {
    if (!hasType(message, SECRET_REQUEST)) return false;
    const parsed = secretRequestSchema.safeParse(message);
    if (!parsed.success) {
      const id = claimedId(message);
      this.opts.log?.(
        `refused a malformed secret request${id === undefined ? ' without an id' : ` (${id})`}`,
      );
      if (id !== undefined) this.refuse(id, 'malformed request');
      return true;
    }
    void this.answer(parsed.data);
    return true;
  }

  private async answer(request: SecretRequest): Promise<void> {
    const { vault } = this.opts;
    try {
      switch (request.op) {
        case 'get': {
          let value = vault.get(request.name);
          if (value === undefined && this.opts.onMiss) {
            this.migrating ??= this.opts.onMiss().finally(() => (this.migrating = undefined));
            await this.migrating.catch(() => undefined);
            value = vault.get(request.name);
          }
          this.respond({ type: SECRET_RESPONSE, id: request.id, ok: true, value: value ?? null });
          return;
        }
        case 'put':
          vault.put(request.name, request.value);
          break;
        case 'delete':
          vault.delete(request.name);
          break;
      }
      this.respond({ type: SECRET_RESPONSE, id: request.id, ok: true, value: null });
    } catch (err) {
      this.opts.log?.(
        `secret request ${request.id} (${request.op} ${request.name}) failed: ${(err as Error).message}`,
      );
      this.refuse(request.id, (err as Error).message);
    }
  }

  private refuse(id: number, error: string): void {
    this.respond({ type: SECRET_RESPONSE, id, ok: false, error: error.slice(0, 2000) });
  }

  private respond(response: SecretResponse): void {
    try {
      this.opts.post(response);
    } catch {
      // The engine's process is gone: its request went with it.
    }
  }
}
