// The messages between the engine's process and the desktop shell over the utility process's message
// port (Electron's parentPort; Node's IPC channel or a worker_threads MessagePort elsewhere). Both sides
// validate every message with these schemas; the shell imports them through main/app/engine-boundary.ts.
import { z } from 'zod';
import { SECRET_NAME } from './secret-store.js';

/** Set to `1` by the shell in the engine's environment: desktop notifications go to the shell too. */
export const SHELL_ENV = 'KEEPSAKE_SHELL';
/** Set to `shell` by the shell when its keychain vault answers: credentials and keys come from it. */
export const SECRETS_ENV = 'KEEPSAKE_SECRETS';

/** Engine -> shell: a notification for the desktop (`{ type, notification }`, shared/model/notification.ts). */
export const NOTIFICATION_MESSAGE = 'keepsake:notification';
/** Engine -> shell: get, put or delete one secret. */
export const SECRET_REQUEST = 'keepsake:secret-request';
/** Shell -> engine: the answer to the request with the same id. */
export const SECRET_RESPONSE = 'keepsake:secret-response';

/** The longest secret value either side accepts (a GCS service account is ~2.5 KB). */
export const MAX_SECRET_CHARS = 256 * 1024;

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const name = z.string().regex(SECRET_NAME, 'a secret name: credential/<destination> or key/<key id>');

/** A request from the engine; `id` pairs it with its response. */
export const secretRequestSchema = z.discriminatedUnion('op', [
  z.strictObject({ type: z.literal(SECRET_REQUEST), id, op: z.literal('get'), name }),
  z.strictObject({
    type: z.literal(SECRET_REQUEST),
    id,
    op: z.literal('put'),
    name,
    value: z.string().max(MAX_SECRET_CHARS),
  }),
  z.strictObject({ type: z.literal(SECRET_REQUEST), id, op: z.literal('delete'), name }),
]);
/** A validated secret request. */
export type SecretRequest = z.infer<typeof secretRequestSchema>;

/** The shell's answer: the value for `get` (null when there is none), or why it refused. */
export const secretResponseSchema = z.union([
  z.strictObject({
    type: z.literal(SECRET_RESPONSE),
    id,
    ok: z.literal(true),
    value: z.string().max(MAX_SECRET_CHARS).nullable(),
  }),
  z.strictObject({ type: z.literal(SECRET_RESPONSE), id, ok: z.literal(false), error: z.string().max(2000) }),
]);
/** A validated secret response. */
export type SecretResponse = z.infer<typeof secretResponseSchema>;

/** True when `message` claims to be of `type` (whether it is well-formed is for the schema to say). */
export function hasType(message: unknown, type: string): message is { type: string } {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

/** The numeric id a message claims, if any: to answer a malformed request or fail a malformed response. */
export function claimedId(message: unknown): number | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const claimed = (message as { id?: unknown }).id;
  return id.safeParse(claimed).success ? (claimed as number) : undefined;
}
