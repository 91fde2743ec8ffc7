// The messages between the shell and the engine's process (utilityProcess postMessage / parentPort),
// except the secret requests (main/engine/secrets/protocol.ts, through engine-boundary.ts).
// Plain data and zod only: engine-host.ts, which runs inside the engine's process, imports this too.
import { z } from 'zod';

/** Shell -> engine: finish in-flight work and exit (what SIGTERM does; also works on Windows). */
export const STOP_MESSAGE = { type: 'keepsake:stop' } as const;

const notificationSchema = z.object({
  incident: z.string().min(1).max(500),
  kind: z.enum(['destination-down', 'below-target', 'verify-failed']),
  phase: z.enum(['opened', 'resolved']),
  severity: z.enum(['info', 'warning', 'critical']),
  title: z.string().min(1).max(500),
  message: z.string().max(4000),
  at: z.number(),
  destination: z.string().max(500).optional(),
  weddingId: z.number().int().optional(),
});

/**
 * Engine -> shell: a notification for the desktop, from the engine's NotificationCenter through its
 * ShellNotifier (main/engine/notify/shell-notifier.ts). Secret requests have their own schema
 * (main/engine/secrets/protocol.ts, answered by secret-server.ts).
 */
export const engineMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('keepsake:notification'), notification: notificationSchema }),
]);

/** A validated message from the engine. */
export type EngineMessage = z.infer<typeof engineMessageSchema>;

/** The message as an EngineMessage, or undefined when it is not one (anything else is ignored). */
export function parseEngineMessage(message: unknown): EngineMessage | undefined {
  const parsed = engineMessageSchema.safeParse(message);
  return parsed.success ? parsed.data : undefined;
}
