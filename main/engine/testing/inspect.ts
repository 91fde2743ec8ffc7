import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parseManifest } from '../repo/manifest.js';

/** SHA-256 of a file's bytes (lower-case hex). */
export async function sha256File(path: string | Buffer): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Every regular file under `dir` (links and other entries are not followed), as paths relative to `dir` with `/`. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  await walk(dir);
  return out.sort();
}

/** relPath -> SHA-256 of every regular file under `dir`: two trees are byte-identical when these are equal. */
export async function hashTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const rel of await listFiles(dir)) out[rel] = await sha256File(join(dir, ...rel.split('/')));
  return out;
}

/** What is in a local vault folder, by the repository layout (repo/layout.ts). */
export interface VaultContents {
  objects: string[];
  manifests: string[];
  staging: string[];
  /** The local destination's own temp files (`.tmp/`), written before the rename to a final name. */
  tmp: string[];
  all: string[];
}

export async function vaultContents(root: string): Promise<VaultContents> {
  const all = await listFiles(root);
  return {
    objects: all.filter((f) => f.startsWith('objects/')),
    manifests: all.filter((f) => f.startsWith('snapshots/')),
    staging: all.filter((f) => f.startsWith('staging/')),
    tmp: all.filter((f) => f.startsWith('.tmp/')),
    all,
  };
}

/**
 * Objects under `objects/` whose bytes do not hash to their name or that sit in the wrong folder:
 * a half-written or damaged object under a final name. Empty when the vault is sound.
 */
export async function badObjects(root: string): Promise<string[]> {
  const bad: string[] = [];
  for (const key of (await vaultContents(root)).objects) {
    const m = /^objects\/([0-9a-f]{2})\/([0-9a-f]{64})$/.exec(key);
    if (!m || !m[2]!.startsWith(m[1]!)) {
      bad.push(`${key}: not an object name`);
      continue;
    }
    const got = await sha256File(join(root, ...key.split('/')));
    if (got !== m[2]) bad.push(`${key}: content hashes to ${got}`);
  }
  return bad;
}

/**
 * Checks a home's database against its vaults, as a crash test needs: SQLite's integrity check, no job
 * left `running` (unless allowed: right after a kill they are), and every `protected` file recorded as
 * stored on every destination, with that object present there and hashing to its name. Opens the
 * database read-write, as the next start would (a WAL left by a kill is recovered). Returns the
 * problems found (empty when consistent).
 */
export async function checkConsistency(
  dbPath: string,
  vaults: Record<string, string>,
  opts: { allowRunningJobs?: boolean } = {},
): Promise<string[]> {
  const problems: string[] = [];
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    const running = db.prepare(`SELECT kind, subject FROM jobs WHERE state = 'running'`).all() as {
      kind: string;
      subject: string;
    }[];
    if (!opts.allowRunningJobs)
      for (const j of running) problems.push(`job ${j.kind} ${j.subject} left running`);
    const files = db.prepare(`SELECT id, path, hash, size FROM files WHERE state = 'protected'`).all() as {
      id: number;
      path: string;
      hash: string | null;
      size: number;
    }[];
    const stored = db.prepare(`SELECT destination FROM replicas WHERE hash = ? AND state = 'stored'`);
    const checked = new Map<string, string | null>();
    for (const f of files) {
      if (!f.hash) {
        problems.push(`${f.path}: protected without a hash`);
        continue;
      }
      const at = new Set((stored.all(f.hash) as { destination: string }[]).map((r) => r.destination));
      for (const [name, root] of Object.entries(vaults)) {
        if (!at.has(name)) {
          problems.push(`${f.path}: protected but no stored replica on ${name}`);
          continue;
        }
        const key = `${name}:${f.hash}`;
        if (!checked.has(key)) {
          const file = join(root, 'objects', f.hash.slice(0, 2), f.hash);
          checked.set(
            key,
            await sha256File(file).then(
              (h) => (h === f.hash ? null : `object on ${name} hashes to ${h}`),
              (err: unknown) => `object on ${name} unreadable: ${(err as Error).message}`,
            ),
          );
        }
        const bad = checked.get(key);
        if (bad) problems.push(`${f.path}: ${bad}`);
      }
    }
  } finally {
    db.close();
  }
  return problems;
}

/**
 * Manifests in a vault that are not whole, valid manifests, or that name an object the vault does not
 * hold with the right bytes (a manifest must only be written after every object it names is stored).
 */
export async function badManifests(root: string): Promise<string[]> {
  const bad: string[] = [];
  const objects = new Set((await vaultContents(root)).objects);
  const good = new Map<string, boolean>();
  for (const key of (await vaultContents(root)).manifests) {
    let files;
    try {
      files = parseManifest(await readFile(join(root, ...key.split('/')), 'utf8'), key).files;
    } catch (err) {
      bad.push((err as Error).message);
      continue;
    }
    for (const f of files) {
      const objectKey = `objects/${f.sha256.slice(0, 2)}/${f.sha256}`;
      if (f.object !== objectKey || !objects.has(objectKey)) {
        bad.push(`${key}: ${f.path} names ${f.object}, which the vault does not hold`);
        continue;
      }
      if (!good.has(objectKey)) {
        good.set(objectKey, (await sha256File(join(root, ...objectKey.split('/')))) === f.sha256);
      }
      if (!good.get(objectKey)) bad.push(`${key}: ${f.path}: ${objectKey} does not hash to its name`);
    }
  }
  return bad;
}
