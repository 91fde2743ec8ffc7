import { createHash, randomUUID } from 'node:crypto';
import { Readable, type Transform } from 'node:stream';
import type { DeviceIndex } from '../../../shared/model/device-index.js';
import type { Manifest, SnapshotRef } from '../../../shared/model/snapshot.js';
import type { Destination } from '../destinations/destination.js';
import { CryptoError, PASSPHRASE_KEY_FILE, RECOVERY_KEY_FILE } from '../crypto/index.js';
import { DestinationError, isNotFound } from '../destinations/errors.js';
import { ENCRYPTION_SCHEME, NAMES_SCHEME, type MarkerEncryption, type RepositoryKey } from './encryption.js';
import {
  ENCRYPTED_FORMAT_VERSION,
  encryptedManifestKey,
  encryptedObjectKey,
  FORMAT_VERSION,
  DEVICES_PREFIX,
  deviceIndexKey,
  manifestKey,
  manifestPrefix,
  MARKER_KEY,
  MAX_FORMAT_VERSION,
  objectKey,
  parseSnapshotId,
  stagingPrefix,
} from './layout.js';
import { parseDeviceIndex, serializeDeviceIndex } from './device-index.js';
import { ManifestError, parseManifest, serializeManifest } from './manifest.js';

/** keepsake-repo.json: what a repository says about itself. */
export interface RepositoryMarker {
  format: 'keepsake-repository';
  version: number;
  id: string;
  createdAt: string;
  /** null: plain objects and manifests; otherwise how they are encrypted and named. */
  encryption: MarkerEncryption | null;
  objects: string;
}

/** Options of an encrypted repository (a destination whose config has `encryption`). */
export interface RepositoryOptions {
  encryption?: {
    /** The key the config says this destination uses; a repository encrypted to another key is refused. */
    keyId: string;
    /** Loads the unlocked key (from the key cache), once, when first needed. */
    unlock: () => Promise<RepositoryKey>;
  };
  /**
   * The destination renames within itself cheaply and atomically (a local folder): a new object is
   * written once under a staging name while it is hashed, then renamed to its content's name.
   * Elsewhere objects are sent under their final name once the content's hash is known.
   */
  renamesInPlace?: boolean;
}

async function readBytes(stream: Readable, limit = 256 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    size += (c as Buffer).length;
    if (size > limit) throw new Error('too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readText(stream: Readable, limit = 256 * 1024 * 1024): Promise<string> {
  return (await readBytes(stream, limit)).toString('utf8');
}

const ENCRYPTED_MANIFEST = /^snapshots\/([0-9a-f]{32})\/([^/]+)\.json\.age$/;

/**
 * A Keepsake repository on one destination: the key layout of layout.ts and the manifests of
 * manifest.ts over the plain Destination interface. This is the only code that knows the format.
 * An encrypted repository (options.encryption) names objects and wedding folders by keyed hashes
 * and stores manifests age-encrypted; its objects are encrypted by the pipeline with encryptStream.
 */
export class Repository {
  private key: RepositoryKey | undefined;
  private unlocking: Promise<RepositoryKey> | undefined;
  /** Why an encrypted repository must not be written to (its marker says otherwise), since open(). */
  private refusal: DestinationError | undefined;
  /** Wedding slug of each encrypted manifest folder, once learnt from a manifest. */
  private readonly slugs = new Map<string, string>();

  constructor(
    readonly dest: Destination,
    /** Identifies this installation's staging area, so two laptops sharing a NAS never clean each other's. */
    readonly installId: string,
    private readonly options: RepositoryOptions = {},
  ) {}

  get name(): string {
    return this.dest.name;
  }

  /** True when new objects are staged and renamed in place (see RepositoryOptions.renamesInPlace). */
  get writesInPlace(): boolean {
    return !this.encrypted && this.options.renamesInPlace === true;
  }

  /** Releases the destination's connections and handles. */
  close(): Promise<void> {
    return this.dest.close();
  }

  /** True when the destination is configured as encrypted. */
  get encrypted(): boolean {
    return this.options.encryption !== undefined;
  }

  /** Loads the repository key of an encrypted repository (a no-op for a plain one). Safe to call often. */
  async ready(): Promise<void> {
    if (this.options.encryption) await this.unlocked();
  }

  private unlocked(): Promise<RepositoryKey> {
    const enc = this.options.encryption;
    if (!enc) return Promise.reject(new Error(`${this.name}: not an encrypted repository`));
    if (this.key) return Promise.resolve(this.key);
    this.unlocking ??= enc.unlock().then(
      (key) => {
        if (key.keyId !== enc.keyId) {
          throw new DestinationError(
            'auth',
            this.name,
            `the key found for this destination is key ${key.keyId}, not its key ${enc.keyId}`,
          );
        }
        this.key = key;
        return key;
      },
      (err: unknown) => {
        this.unlocking = undefined;
        throw err;
      },
    );
    return this.unlocking;
  }

  private loadedKey(): RepositoryKey {
    if (!this.key)
      throw new Error(`${this.name}: the repository key is not loaded yet (await ready() first)`);
    return this.key;
  }

  /**
   * Creates the repository on an empty destination, or checks an existing one is a repository we
   * can read. An encrypted one gets its key files first and its marker last, so a repository whose
   * creation was interrupted has no marker and is created again.
   */
  async init(nowIso: string, keyFiles?: { passphrase: Uint8Array; recovery?: Uint8Array }): Promise<void> {
    const existing = await this.readMarker();
    if (existing) return this.checkMarker(existing);
    if (!this.encrypted) {
      await this.writeMarker({
        format: 'keepsake-repository',
        version: FORMAT_VERSION,
        id: randomUUID(),
        createdAt: nowIso,
        encryption: null,
        objects: 'objects/<first two hex digits>/<sha256 of the content>',
      });
      return;
    }
    const key = await this.unlocked();
    if (!keyFiles) throw new Error(`${this.name}: an encrypted repository is created with its key files`);
    await this.putKeyFile(PASSPHRASE_KEY_FILE, keyFiles.passphrase);
    const files = [PASSPHRASE_KEY_FILE];
    if (keyFiles.recovery) {
      await this.putKeyFile(RECOVERY_KEY_FILE, keyFiles.recovery);
      files.push(RECOVERY_KEY_FILE);
    }
    await this.writeMarker({
      format: 'keepsake-repository',
      version: ENCRYPTED_FORMAT_VERSION,
      id: randomUUID(),
      createdAt: nowIso,
      encryption: {
        scheme: ENCRYPTION_SCHEME,
        names: NAMES_SCHEME,
        recipient: key.recipient,
        keyFiles: files,
      },
      objects: 'objects/<first two hex digits>/<HMAC-SHA-256 of the sha256 of the content> (age-encrypted)',
    });
  }

  /** Checks the destination is reachable (and the credentials work), without reading the repository. */
  check(): Promise<void> {
    return this.dest.check();
  }

  /**
   * Checks the destination is reachable and holds a repository of a version this Keepsake reads,
   * encrypted (to this destination's key) exactly when the destination is configured encrypted.
   */
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
    if (!this.encrypted) return this.checkMarker(marker);
    try {
      await this.checkMarker(marker);
      this.refusal = undefined;
    } catch (err) {
      // A repository that is not (or not to our key) encrypted gets no object and no manifest.
      if (err instanceof DestinationError && err.kind === 'permanent') this.refusal = err;
      throw err;
    }
  }

  /** The marker, or undefined when the destination holds no repository yet. */
  async marker(): Promise<RepositoryMarker | undefined> {
    return this.readMarker();
  }

  /** Refuses a repository whose encryption is not what this destination's config says. */
  private async checkMarker(marker: RepositoryMarker): Promise<void> {
    const enc = marker.encryption;
    if (!this.encrypted) {
      if (enc) {
        throw new DestinationError(
          'permanent',
          this.name,
          'the repository here is encrypted and Keepsake does not have its key: add it as an encrypted destination (`keepsake destinations add … --encrypt` asks for its passphrase), or restore by hand with the age tool (docs/FORMAT.md)',
        );
      }
      return;
    }
    if (!enc) {
      throw new DestinationError(
        'permanent',
        this.name,
        `the repository here is not encrypted, but this destination was set up encrypted: nothing is written to it (was ${MARKER_KEY} replaced?)`,
      );
    }
    if (enc.scheme !== ENCRYPTION_SCHEME || enc.names !== NAMES_SCHEME) {
      throw new DestinationError(
        'permanent',
        this.name,
        `the repository uses encryption "${enc.scheme}" with names "${enc.names}", which this Keepsake does not know`,
      );
    }
    const key = await this.unlocked();
    if (enc.recipient !== key.recipient) {
      throw new DestinationError(
        'permanent',
        this.name,
        `the repository here is encrypted to another key (${enc.recipient}) than this destination's: nothing is written to it`,
      );
    }
  }

  private async writeMarker(marker: RepositoryMarker): Promise<void> {
    const body = Buffer.from(`${JSON.stringify(marker, null, 2)}\n`);
    await this.dest.put(MARKER_KEY, Readable.from([body]), { size: body.length });
  }

  private async readMarker(): Promise<RepositoryMarker | undefined> {
    let text: string;
    try {
      text = await readText(await this.dest.get(MARKER_KEY), 1024 * 1024);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    let marker: RepositoryMarker;
    try {
      marker = JSON.parse(text) as RepositoryMarker;
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
    if (marker.version > MAX_FORMAT_VERSION) {
      throw new DestinationError(
        'permanent',
        this.name,
        `the repository was written by a newer Keepsake (format ${marker.version}; this one reads up to ${MAX_FORMAT_VERSION})`,
      );
    }
    const enc = marker.encryption as Partial<MarkerEncryption> | null | undefined;
    if (
      enc &&
      (typeof enc.scheme !== 'string' ||
        typeof enc.names !== 'string' ||
        typeof enc.recipient !== 'string' ||
        !Array.isArray(enc.keyFiles))
    ) {
      throw new DestinationError(
        'permanent',
        this.name,
        `${MARKER_KEY} is damaged (its "encryption" is incomplete)`,
      );
    }
    marker.encryption = enc ? (enc as MarkerEncryption) : null;
    return marker;
  }

  /** A key file of an encrypted repository (keys/passphrase.age, keys/recovery.age). */
  async readKeyFile(name: string): Promise<Buffer> {
    return readBytes(await this.dest.get(name), 1024 * 1024);
  }

  /** Replaces a key file of an existing encrypted repository (and lists it in the marker). */
  async replaceKeyFile(name: string, data: Uint8Array): Promise<void> {
    const marker = await this.readMarker();
    if (!marker?.encryption) {
      throw new DestinationError('permanent', this.name, 'no encrypted Keepsake repository here');
    }
    await this.putKeyFile(name, data);
    if (!marker.encryption.keyFiles.includes(name)) {
      await this.writeMarker({
        ...marker,
        encryption: { ...marker.encryption, keyFiles: [...marker.encryption.keyFiles, name] },
      });
    }
  }

  private async putKeyFile(name: string, data: Uint8Array): Promise<void> {
    const body = Buffer.from(data);
    const sha256 = createHash('sha256').update(body).digest('hex');
    await this.dest.put(name, Readable.from([body]), { size: body.length, expect: { sha256 } });
  }

  /**
   * Where the content with SHA-256 `hash` is stored: `objects/<h0h1>/<hash>`, or in an encrypted
   * repository `objects/<n0n1>/<name>` with name = HMAC-SHA-256(name key, hash) (call ready() first).
   */
  objectKey(hash: string): string {
    if (!this.encrypted) return objectKey(hash);
    return encryptedObjectKey(this.loadedKey().objectName(hash));
  }

  /** An encrypt stream for one upload to this encrypted repository (a fresh file key each time). */
  async encryptStream(): Promise<Transform> {
    if (this.refusal) throw this.refusal;
    return (await this.unlocked()).encryptStream();
  }

  /** A decrypt stream for one object of this encrypted repository (call ready() first). */
  decryptStream(): Transform {
    return this.loadedKey().decryptStream();
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

  /**
   * Writes a manifest (atomically: put is atomic) and returns its key and the SHA-256 of its stored
   * bytes (in an encrypted repository: of the age file, under the wedding's opaque folder).
   */
  async writeManifest(m: Manifest, id: string): Promise<{ key: string; sha256: string }> {
    if (this.encrypted) return this.writeEncryptedManifest(m, id);
    const body = Buffer.from(serializeManifest(m));
    const key = manifestKey(m.wedding.slug, id);
    const sha256 = createHash('sha256').update(body).digest('hex');
    await this.dest.put(key, Readable.from([body]), { size: body.length, expect: { sha256 } });
    return { key, sha256 };
  }

  private async writeEncryptedManifest(m: Manifest, id: string): Promise<{ key: string; sha256: string }> {
    if (this.refusal) throw this.refusal;
    const repoKey = await this.unlocked();
    const body = await repoKey.seal(Buffer.from(serializeManifest(m)));
    const folder = repoKey.weddingFolder(m.wedding.slug);
    const key = encryptedManifestKey(folder, id);
    const sha256 = createHash('sha256').update(body).digest('hex');
    await this.dest.put(key, Readable.from([body]), { size: body.length, expect: { sha256 } });
    this.slugs.set(folder, m.wedding.slug);
    return { key, sha256 };
  }

  /**
   * Reads a manifest and the SHA-256 of its stored bytes. In an encrypted repository the manifest is
   * decrypted and must belong where it lies (its wedding's folder, its own time as name): a manifest
   * altered, moved or renamed is a ManifestError, never a manifest.
   */
  async readManifest(key: string): Promise<{ manifest: Manifest; sha256: string }> {
    if (this.encrypted) return this.readEncryptedManifest(key);
    const text = await readText(await this.dest.get(key));
    return {
      manifest: parseManifest(text, `${this.name}: ${key}`),
      sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
    };
  }

  private async readEncryptedManifest(key: string): Promise<{ manifest: Manifest; sha256: string }> {
    const repoKey = await this.unlocked();
    const where = `${this.name}: ${key}`;
    const at = ENCRYPTED_MANIFEST.exec(key);
    if (!at) throw new ManifestError(`${where} is not a manifest of an encrypted repository`);
    const bytes = await readBytes(await this.dest.get(key));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    let text: string;
    try {
      text = (await repoKey.open(bytes)).toString('utf8');
    } catch (err) {
      if (err instanceof CryptoError) throw new ManifestError(`${where} cannot be decrypted: ${err.message}`);
      throw err;
    }
    const manifest = parseManifest(text, where);
    if (repoKey.weddingFolder(manifest.wedding.slug) !== at[1]) {
      throw new ManifestError(`${where} is in another wedding's folder: it was moved there or altered`);
    }
    const named = parseSnapshotId(at[2]!);
    if (named?.createdAt !== manifest.createdAt || named.device !== (manifest.device?.id ?? null)) {
      throw new ManifestError(
        `${where}: its name does not match its time and device: it was renamed or altered`,
      );
    }
    this.slugs.set(at[1]!, manifest.wedding.slug);
    return { manifest, sha256 };
  }

  /** Snapshots found on the destination itself (works without the local database), oldest first. */
  async listSnapshots(weddingSlug?: string): Promise<SnapshotRef[]> {
    if (this.encrypted) return this.listEncryptedSnapshots(weddingSlug);
    const refs: SnapshotRef[] = [];
    for await (const o of this.dest.list(manifestPrefix(weddingSlug))) {
      const m = /^snapshots\/([^/]+)\/([^/]+)\.json$/.exec(o.key);
      const named = m && parseSnapshotId(m[2]!);
      if (!named) continue;
      refs.push({ wedding: m[1]!, id: m[2]!, key: o.key, ...named });
    }
    return refs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Snapshots of an encrypted repository. Folder names are keyed hashes of the slugs: a wedding's
   * folder is computed from its slug; listing every wedding decrypts one manifest per folder to learn it.
   */
  private async listEncryptedSnapshots(weddingSlug?: string): Promise<SnapshotRef[]> {
    const repoKey = await this.unlocked();
    const prefix = weddingSlug ? `snapshots/${repoKey.weddingFolder(weddingSlug)}/` : 'snapshots/';
    const folders = new Map<string, { id: string; key: string }[]>();
    for await (const o of this.dest.list(prefix)) {
      const m = ENCRYPTED_MANIFEST.exec(o.key);
      if (!m) continue;
      const list = folders.get(m[1]!) ?? [];
      list.push({ id: m[2]!, key: o.key });
      folders.set(m[1]!, list);
    }
    const refs: SnapshotRef[] = [];
    for (const [folder, items] of folders) {
      const wedding = weddingSlug ?? (await this.slugOf(folder, items));
      for (const { id, key } of items) {
        const named = parseSnapshotId(id);
        if (named) refs.push({ wedding, id, key, ...named });
      }
    }
    return refs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The wedding of an encrypted manifest folder: from the newest of its manifests that reads correctly. */
  private async slugOf(folder: string, items: { id: string; key: string }[]): Promise<string> {
    const known = this.slugs.get(folder);
    if (known) return known;
    let last: unknown;
    for (const { key } of [...items].sort((a, b) => (a.id < b.id ? 1 : -1))) {
      try {
        return (await this.readEncryptedManifest(key)).manifest.wedding.slug;
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }

  /** Writes this device's index (atomically). A cache for the studio view: the manifests stay the truth. */
  async writeDeviceIndex(index: DeviceIndex): Promise<void> {
    const plain = Buffer.from(serializeDeviceIndex(index));
    const body = this.encrypted ? await (await this.unlocked()).seal(plain) : plain;
    const sha256 = createHash('sha256').update(body).digest('hex');
    await this.dest.put(deviceIndexKey(index.id, this.encrypted), Readable.from([body]), {
      size: body.length,
      expect: { sha256 },
    });
  }

  /**
   * Every device index stored here, by device id; one that cannot be read (damaged, another key) is
   * in `damaged` instead. One list call and one small read per device.
   */
  async readDeviceIndexes(): Promise<{ devices: DeviceIndex[]; damaged: { key: string; reason: string }[] }> {
    const devices: DeviceIndex[] = [];
    const damaged: { key: string; reason: string }[] = [];
    const suffix = this.encrypted ? '.json.age' : '.json';
    const keys: string[] = [];
    for await (const o of this.dest.list(DEVICES_PREFIX)) if (o.key.endsWith(suffix)) keys.push(o.key);
    await Promise.all(
      keys.sort().map(async (key) => {
        try {
          const bytes = await readBytes(await this.dest.get(key), 64 * 1024 * 1024);
          const text = this.encrypted
            ? (await (await this.unlocked()).open(bytes)).toString('utf8')
            : bytes.toString('utf8');
          const index = parseDeviceIndex(text, `${this.name}: ${key}`);
          if (deviceIndexKey(index.id, this.encrypted) !== key)
            throw new ManifestError(`${this.name}: ${key} names another device: it was renamed or altered`);
          devices.push(index);
        } catch (err) {
          if (!(err instanceof ManifestError || err instanceof CryptoError)) throw err;
          damaged.push({ key, reason: err.message });
        }
      }),
    );
    return { devices: devices.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), damaged };
  }
}
