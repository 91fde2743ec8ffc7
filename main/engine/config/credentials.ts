import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config-file.js';

/** A cloud destination's secret, as the user entered it. Never logged, printed or put in config.json. */
export const secretSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('s3'), accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }),
  z.object({ kind: z.literal('gcs'), serviceAccount: z.record(z.string(), z.unknown()) }),
  z.object({
    kind: z.literal('azure'),
    connectionString: z.string().optional(),
    accountKey: z.string().optional(),
    sasUrl: z.string().optional(),
  }),
]);
export type Secret = z.infer<typeof secretSchema>;

const fileSchema = z.object({ version: z.literal(1), secrets: z.record(z.string(), secretSchema) });

export const CREDENTIALS_FILE = 'credentials.json';

/**
 * The headless credential store: `credentials.json` in the home, mode 0600 in a 0700 folder, so only
 * the owner can read it (the desktop shell keeps secrets in the OS keychain instead). A file readable
 * by others is refused until its permissions are fixed.
 */
export class CredentialStore {
  constructor(private readonly home: string) {}

  private get path(): string {
    return join(this.home, CREDENTIALS_FILE);
  }

  private read(): Record<string, Secret> {
    if (!existsSync(this.path)) return {};
    if (process.platform !== 'win32' && (statSync(this.path).mode & 0o077) !== 0) {
      throw new ConfigError(
        `${this.path} is readable by other users; run \`chmod 600 ${this.path}\` (secrets inside may need rotating).`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch {
      throw new ConfigError(
        `${this.path} is not valid JSON; fix it or remove it and add the destinations' credentials again.`,
      );
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) throw new ConfigError(`${this.path} is not a valid Keepsake credentials file.`);
    return parsed.data.secrets;
  }

  get(name: string): Secret | undefined {
    return this.read()[name];
  }

  set(name: string, secret: Secret): void {
    this.write({ ...this.read(), [name]: secretSchema.parse(secret) });
  }

  delete(name: string): void {
    const all = this.read();
    if (!(name in all)) return;
    delete all[name];
    this.write(all);
  }

  private write(secrets: Record<string, Secret>): void {
    mkdirSync(this.home, { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ version: 1, secrets }, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
  }
}
