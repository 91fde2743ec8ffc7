import { DestinationError, type DestinationErrorKind } from '../errors.js';

/** Maps a filesystem error of the local destination to a DestinationError, in this one place. */
export function classifyLocalError(destination: string, err: unknown, what: string): DestinationError {
  if (err instanceof DestinationError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  const byCode: Record<string, [DestinationErrorKind, string]> = {
    ENOENT: ['not-found', `${what}: not found`],
    ENOTDIR: ['not-found', `${what}: not found`],
    ENOSPC: ['full', `${what}: the disk is full`],
    EDQUOT: ['full', `${what}: the disk quota is used up`],
    EACCES: ['permission', `${what}: permission denied (check the folder's owner and permissions)`],
    EPERM: ['permission', `${what}: operation not permitted (check the folder's owner and permissions)`],
    EROFS: ['permission', `${what}: the disk is read-only`],
    EIO: ['unavailable', `${what}: input/output error (is the drive failing or was it unplugged?)`],
    ENXIO: ['unavailable', `${what}: the device is gone (was the drive unplugged?)`],
    ENODEV: ['unavailable', `${what}: the device is gone (was the drive unplugged?)`],
    ESTALE: ['unavailable', `${what}: the network share went away (stale handle)`],
    ETIMEDOUT: ['unavailable', `${what}: timed out (network share not answering?)`],
    EHOSTDOWN: ['unavailable', `${what}: the network share is not reachable`],
    EMFILE: ['transient', `${what}: too many open files`],
    EBUSY: ['transient', `${what}: busy`],
  };
  const [kind, message] = byCode[code] ?? ['transient', `${what}: ${(err as Error)?.message ?? String(err)}`];
  return new DestinationError(kind, destination, message, { cause: err });
}
