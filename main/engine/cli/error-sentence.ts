import { UnknownWeddingError } from '../analysis/analyze.js';
import { ConfigError } from '../config/config-file.js';
import { CryptoError } from '../crypto/index.js';
import { DestinationError } from '../destinations/errors.js';
import { AlreadyRunningError } from '../lock.js';
import { FolderError } from '../make-folder.js';
import { NotifyError } from '../notify/notifier.js';
import { UnsafeFileError } from '../owner-only.js';
import { ManifestError } from '../repo/manifest.js';
import { SnapshotNotFoundError } from '../restore/merge.js';
import { UnsafePathError } from '../restore/safe-path.js';
import { SecretsError } from '../secrets/secret-store.js';
import { StoreError } from '../store/db.js';

/** What the CLI prints for an error that ended a command, and the exit code it ends with. */
export interface ErrorSentence {
  /** One sentence (or two) saying what happened and what to do; never a stack trace. */
  message: string;
  /** 2: the user can fix it (a path, a permission, a full disk); 3: unexpected, a bug to report. */
  exitCode: 2 | 3;
}

/** Errors Keepsake throws on purpose, whose message already says what to do. */
const selfExplaining = [
  ConfigError,
  StoreError,
  AlreadyRunningError,
  DestinationError,
  ManifestError,
  CryptoError,
  SecretsError,
  NotifyError,
  UnsafePathError,
  FolderError,
  UnsafeFileError,
  UnknownWeddingError,
];

/** An error from the OS (fs, net) or SQLite: a string `code`, and for fs calls the path and syscall. */
interface CodedError extends Error {
  code?: unknown;
  path?: unknown;
  dest?: unknown;
  syscall?: unknown;
}

/** The verb for a syscall, as in "not allowed to <verb> PATH". */
function verbOf(syscall: string): string {
  if (/mkdir/.test(syscall)) return 'create the folder';
  if (/open|read|scandir|stat|access/.test(syscall)) return 'open';
  if (/rename|unlink|rmdir|rm/.test(syscall)) return 'change';
  if (/write|copyfile|symlink|link|chmod|utime|fsync/.test(syscall)) return 'write to';
  return 'use';
}

/** Sentences for OS error codes; `where` is the path the call was about ("a file" when unknown). */
const byCode: Record<string, (where: string, syscall: string) => string> = {
  EACCES: (w, s) =>
    `Keepsake is not allowed to ${verbOf(s)} ${w}: check its permissions, or choose another path.`,
  EPERM: (w, s) =>
    `The system does not allow Keepsake to ${verbOf(s)} ${w}: check its permissions, or choose another path.`,
  ENOENT: (w) => `${w} does not exist: check the path (and that its drive is plugged in).`,
  EEXIST: (w) => `${w} already exists and is not a folder Keepsake can use: choose another path.`,
  ENOTDIR: (w) => `Part of ${w} is a file, not a folder: choose another path.`,
  EISDIR: (w) => `${w} is a folder, not a file: give the path of a file.`,
  ENOSPC: (w) => `The disk holding ${w} is full: free some space, then run the command again.`,
  EDQUOT: (w) => `Your disk quota on ${w} is used up: free some space, then run the command again.`,
  EROFS: (w) => `${w} is on a read-only disk: choose a folder on a writable disk.`,
  ENAMETOOLONG: (w) => `${w} is too long a path for this system: choose a shorter one.`,
  ELOOP: (w) => `${w} goes through a loop of symbolic links: fix the links or choose another path.`,
  EMFILE: () => 'Too many files are open on this computer: close some programs, then run the command again.',
  EIO: (w) =>
    `The disk holding ${w} reported a read/write error: check the drive, then run the command again.`,
  ENODEV: (w) => `${w} is not on a disk Keepsake can write to: choose another path.`,
  EBUSY: (w) => `${w} is in use by another program: close it, then run the command again.`,
  ECONNREFUSED: () => 'The server refused the connection: check that it is running and the address is right.',
  ENOTFOUND: () => 'The server name could not be found: check the address and your internet connection.',
  ETIMEDOUT: () => 'The server did not answer in time: check your internet connection, then try again.',
  SQLITE_FULL: () =>
    'The disk holding the Keepsake home (its database) is full: free some space, then run the command again.',
  SQLITE_READONLY: () =>
    'The Keepsake database cannot be written (read-only file or disk): check the permissions of the Keepsake home.',
  SQLITE_CANTOPEN: () =>
    'The Keepsake database cannot be opened: check that the Keepsake home exists and is writable.',
  SQLITE_IOERR: () =>
    'The Keepsake database could not be written: the disk holding the Keepsake home is full or failing; free some space (or check the drive), then run the command again.',
  SQLITE_BUSY: () =>
    'The Keepsake database is busy in another program: wait for it to finish (or stop it), then run the command again.',
  SQLITE_CORRUPT: () =>
    'The Keepsake database is damaged; your backups are not affected: move keepsake.db aside and start Keepsake again to rebuild its index.',
};

/** The sentence for an OS or SQLite error code, when there is one. */
function codedSentence(err: CodedError): string | undefined {
  if (typeof err.code !== 'string') return undefined;
  // SQLite extended codes (SQLITE_IOERR_WRITE, SQLITE_FULL...) share their primary code's sentence.
  const code = err.code.startsWith('SQLITE_') ? /^SQLITE_[A-Z]+/.exec(err.code)![0] : err.code;
  const sentence = byCode[code] ?? byCode[err.code];
  if (!sentence) return undefined;
  const where = typeof err.path === 'string' ? err.path : 'a file it needs';
  return sentence(where, typeof err.syscall === 'string' ? err.syscall : '');
}

/** Extra advice for Keepsake errors whose message says what happened but not what to do. */
function hintFor(err: Error): string | undefined {
  if (err instanceof SnapshotNotFoundError)
    return 'run `keepsake snapshots` (with the same --vault, if any) to see the weddings and snapshots that can be restored.';
  return undefined;
}

/**
 * Turns any error that ends a CLI command into what the user reads: Keepsake's own errors as their
 * message, OS and SQLite errors by their code, anything else as a bug to report. The one place that
 * decides; commands throw and never format errors themselves.
 */
export function errorSentence(err: unknown): ErrorSentence {
  if (!(err instanceof Error)) return { message: unexpected(String(err)), exitCode: 3 };
  const hint = hintFor(err);
  if (hint) return { message: `${err.message.replace(/\.$/, '')}: ${hint}`, exitCode: 2 };
  // The database could not be opened: the OS or SQLite code says why (a full disk, a read-only file).
  const cause =
    err instanceof StoreError && err.cause instanceof Error ? codedSentence(err.cause) : undefined;
  if (cause) return { message: cause, exitCode: 2 };
  if (selfExplaining.some((E) => err instanceof E)) return { message: err.message, exitCode: 2 };
  const coded = codedSentence(err);
  if (coded) return { message: coded, exitCode: 2 };
  // An error wrapping an OS error (`{ cause }`) is explained by its cause.
  if (err.cause instanceof Error) {
    const inner = errorSentence(err.cause);
    if (inner.exitCode === 2) return inner;
  }
  return { message: unexpected(err.message), exitCode: 3 };
}

function unexpected(message: string): string {
  return `unexpected error: ${message}. Run the command again with --debug for details, and report it if it happens again.`;
}
