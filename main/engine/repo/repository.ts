import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Manifest, SnapshotRef } from '../../../shared/model/snapshot.js';
import type { Destination } from '../destinations/destination.js';
import { DestinationError, isNotFound } from '../destinations/errors.js';
import {
  FORMAT_VERSION,
  manifestKey,
  manifestPrefix,
  MARKER_KEY,
  objectKey,
  snapshotTime,
  stagingPrefix,
} from './layout.js';
import { parseManifest, serializeManifest } from './manifest.js';

interface Marker {
  format: 'keepsake-repository';
  version: number;
  id: string;
  createdAt: string;
  encryption: null;
  objects: string;
}

async function readText(stream: Readable, limit = 256 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    size += (c as Buffer).length;
    if (size > limit) throw new Error('too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A Keepsake repository on one destination: the key layout of layout.ts and the manifests of
 * manifest.ts over the plain Destination interface. This is the only code that knows the format.
 */
export class Repository {
  constructor(
    readonly dest: Destination,
    /** Identifies this installation's staging area, so two laptops sharing a NAS never clean each other's. */
    readonly installId: string,
  ) {}

  get name(): string {
    return this.dest.name;
  }

  /** Creates the marker on an empty destination, or checks an existing one is a repository we can read. */
  async init(nowIso: string): Promise<void> {
    if (await this.readMarker()) return;
    const marker: Marker = {
      format: 'keepsake-repository',
      version: FORMAT_VERSION,
      id: randomUUID(),
      createdAt: nowIso,
      encryption: null,
      objects: 'objects/<first two hex digits>/<sha256 of the content>',
    };
    const body = Buffer.from(`${JSON.stringify(marker, null, 2)}\n`);
    await this.dest.put(MARKER_KEY, Readable.from([body]), { size: body.length });
  }

  /** Checks the destination is reachable and holds a repository of a version this Keepsake reads. */
  async open(): Promise<void> {
    await this.dest.check();
    const marker = await this.readMarker();
    if (!marker) {
      throw new DestinationError(
        'missing-container',
        this.name,
        `no Keepsake repository here (${MARKER_KEY} is missing); add the destination again to create one`,
      );
    }
  }

  private async readMarker(): Promise<Marker | undefined> {
    let text: string;
    try {
      text = await readText(await this.dest.get(MARKER_KEY), 1024 * 1024);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    let marker: Marker;
    try {
      marker = JSON.parse(text) as Marker;
    } catch {
      throw new DestinationError('permanent', this.name, `${MARKER_KEY} is damaged (not JSON)`);
    }
    if (marker.format !== 'keepsake-repository') {
      throw new DestinationError(
        'permanent',
        this.name,
        `${MARKER_KEY} does not describe a Keepsake repository`,
      );
    }
    if (marker.version > FORMAT_VERSION) {
      throw new DestinationError(
        'permanent',
        this.name,
        `the repository was written by a newer Keepsake (format ${marker.version}; this one reads up to ${FORMAT_VERSION})`,
      );
    }
    return marker;
  }

  objectKey(hash: string): string {
    return objectKey(hash);
  }

  newStagingKey(): string {
    return `${stagingPrefix(this.installId)}${randomUUID()}`;
  }

  /** Removes this installation's leftover staging objects (from a crash), except uploads still to resume. */
  async cleanStaging(keep: ReadonlySet<string> = new Set()): Promise<number> {
    let n = 0;
    for await (const o of this.dest.list(stagingPrefix(this.installId))) {
      if (keep.has(o.key)) continue;
      await this.dest.remove(o.key);
      n++;
    }
    return n;
  }

  /** Writes a manifest (atomically: put is atomic) and returns its key and the SHA-256 of its bytes. */
  async writeManifest(m: Manifest, id: string): Promise<{ key: string; sha256: string }> {
    const body = Buffer.from(serializeManifest(m));
    const key = manifestKey(m.wedding.slug, id);
    const sha256 = createHash('sha256').update(body).digest('hex');
    await this.dest.put(key, Readable.from([body]), { size: body.length, expect: { sha256 } });
    return { key, sha256 };
  }

  async readManifest(key: string): Promise<{ manifest: Manifest; sha256: string }> {
    const text = await readText(await this.dest.get(key));
    return {
      manifest: parseManifest(text, `${this.name}: ${key}`),
      sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
    };
  }

  /** Snapshots found on the destination itself (works without the local database), oldest first. */
  async listSnapshots(weddingSlug?: string): Promise<SnapshotRef[]> {
    const refs: SnapshotRef[] = [];
    for await (const o of this.dest.list(manifestPrefix(weddingSlug))) {
      const m = /^snapshots\/([^/]+)\/([^/]+)\.json$/.exec(o.key);
      if (!m) continue;
      refs.push({ wedding: m[1]!, id: m[2]!, key: o.key, createdAt: snapshotTime(m[2]!) });
    }
    return refs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
