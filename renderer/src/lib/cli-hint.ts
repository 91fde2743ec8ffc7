import type { NewDestination, NewFolder } from '../../../shared/api/contract.js';

/** A shell word, quoted only when it needs to be. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function flag(name: string, value: string | undefined): string[] {
  return value ? [`--${name}`, shellQuote(value)] : [];
}

/** The `keepsake` command doing what a form would do, for engines without the route yet. */
export function addDestinationCommand(d: NewDestination): string {
  const head = ['keepsake', 'destinations', 'add', d.kind, shellQuote(d.name || 'NAME')];
  switch (d.kind) {
    case 'local':
      return [...head, shellQuote(d.path || 'FOLDER')].join(' ');
    case 's3':
    case 'b2':
    case 'wasabi':
      return [
        ...head,
        ...flag('bucket', d.bucket || 'BUCKET'),
        ...flag('prefix', d.prefix),
        ...flag('region', d.region),
        ...(d.kind === 's3'
          ? [...flag('endpoint', d.endpoint), ...flag('storage-class', d.storageClass)]
          : []),
        ...(d.accessKeyId ? [...flag('access-key-id', d.accessKeyId), '--secret-stdin'] : []),
      ].join(' ');
    case 'gcs':
      return [
        ...head,
        ...flag('bucket', d.bucket || 'BUCKET'),
        ...flag('prefix', d.prefix),
        ...flag('storage-class', d.storageClass),
      ].join(' ');
    case 'azure':
      return [
        ...head,
        ...flag('container', d.container || 'CONTAINER'),
        ...flag('prefix', d.prefix),
        ...flag('access-tier', d.storageClass),
        ...flag('endpoint', d.endpoint),
      ].join(' ');
  }
}

export function addFolderCommand(f: NewFolder): string {
  return [
    'keepsake',
    'folders',
    'add',
    shellQuote(f.path || 'FOLDER'),
    ...(f.kind === 'import' ? ['--import'] : []),
  ].join(' ');
}

export function removeFolderCommand(path: string): string {
  return `keepsake folders remove ${shellQuote(path)}`;
}

export function removeDestinationCommand(name: string): string {
  return `keepsake destinations remove ${shellQuote(name)}`;
}

/** After a change made in a terminal, the running agent picks it up when it starts again. */
export const RESTART_NOTE = 'Then restart Keepsake so it uses the change.';
