import { lstat, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isoAt, ManualClock } from '../clock.js';
import { LocalDestination } from '../destinations/local/local.js';
import { Intake } from '../intake/intake.js';
import { backupFile } from '../pipeline/backup-file.js';
import { writeSnapshots } from '../pipeline/snapshot.js';
import { everywhereContext } from '../pipeline/testing/context.js';
import { snapshotId } from '../repo/layout.js';
import { Repository } from '../repo/repository.js';
import { Store } from '../store/store.js';
import { randomBytesFor } from '../testing/corpus.js';
import { hashTree, sha256 } from '../testing/inspect.js';
import { mergeSnapshots } from './merge.js';
import { restore } from './restorer.js';

/**
 * The real pipeline over two local vaults A and B, with placement decided per file (as a protection
 * policy does): files are indexed, sent only where placed, and snapshotted by the snapshot writer,
 * which gives each vault a manifest of the files it holds. A vault can be unplugged (its folder renamed).
 */
class TwoVaults {
  readonly clock = new ManualClock();
  readonly store: Store;
  readonly intake: Intake;
  readonly repos: Repository[];
  private constructor(
    readonly root: string,
    readonly wedding: string,
  ) {
    this.store = Store.open(join(root, 'index.db'));
    this.store.folders.add(join(root, 'Weddings'), 'weddings', this.clock.now());
    this.intake = new Intake(this.store, this.clock, 0);
    this.repos = ['A', 'B'].map(
      (n) => new Repository(new LocalDestination(n, this.vault(n)), 'install-test'),
    );
  }

  static async make(): Promise<TwoVaults> {
    const root = await mkdtemp(join(tmpdir(), 'keepsake-merge-'));
    const t = new TwoVaults(root, join(root, 'Weddings', '2026-06-14 Smith & Jones'));
    await mkdir(t.wedding, { recursive: true });
    for (const r of t.repos) {
      await mkdir(t.vault(r.name), { recursive: true });
      await r.init(isoAt(t.clock.now()));
    }
    return t;
  }

  vault(name: string): string {
    return join(this.root, `drive-${name}`);
  }

  repo(name: string): Repository {
    return this.repos.find((r) => r.name === name)!;
  }

  /** Writes a file into the wedding folder and backs it up to the destinations it is placed on. */
  async put(name: string, data: Buffer, placedOn: string[]): Promise<void> {
    const path = join(this.wedding, name);
    await writeFile(path, data);
    const info = await lstat(path);
    await this.intake.seen({
      kind: 'file',
      path,
      size: info.size,
      mtimeMs: info.mtimeMs,
      ino: info.ino,
      dev: info.dev,
    });
    const ctx = { ...everywhereContext(this.store, this.clock, this.repos, 1), plan: () => placedOn };
    expect((await backupFile(ctx, this.store.files.byPath(path)!)).kind).toBe('protected');
  }

  /** Deletes a file from the wedding folder, as the watcher reports it. */
  async remove(name: string): Promise<void> {
    const path = join(this.wedding, name);
    await rm(path);
    this.intake.removed(path, false);
  }

  /** Runs the snapshot writer, some time after the previous run; returns the destinations it failed on. */
  async snapshot(): Promise<string[]> {
    this.clock.advance(60_000);
    const weddingId = this.store.weddings.list()[0]!.id;
    const { errors } = await writeSnapshots(
      { store: this.store, clock: this.clock, repos: this.repos },
      weddingId,
    );
    return errors.map((e) => e.message.split(':')[0]!);
  }

  get slug(): string {
    return this.store.weddings.list()[0]!.slug;
  }

  /** The snapshot id the next `snapshot()` will have. */
  nextId(): string {
    return snapshotId(this.clock.now() + 60_000, 'install-test');
  }

  async unplug(name: string): Promise<void> {
    await rename(this.vault(name), `${this.vault(name)}.away`);
  }

  async plugIn(name: string): Promise<void> {
    await rename(`${this.vault(name)}.away`, this.vault(name));
  }

  async restore(opts: { snapshot?: string; from?: string } = {}) {
    const target = join(this.root, `restored-${Math.random().toString(36).slice(2)}`);
    const first = opts.from ? [this.repo(opts.from)] : [];
    const result = await restore({
      repos: [...first, ...this.repos.filter((r) => !first.includes(r))],
      ...(opts.from ? { snapshotSources: first } : {}),
      ...(opts.snapshot ? { snapshot: opts.snapshot } : {}),
      wedding: this.slug,
      target,
    });
    return { result, tree: await hashTree(target) };
  }

  async close(): Promise<void> {
    this.store.close();
    await rm(this.root, { recursive: true, force: true });
  }
}

const one = randomBytesFor('merge-1', 120_000);
const twoOld = randomBytesFor('merge-2-old', 90_000);
const twoNew = randomBytesFor('merge-2-new', 95_000);
const three = randomBytesFor('merge-3', 70_000);

describe('restoring a wedding whose files are spread over destinations', () => {
  let t: TwoVaults;
  let t1: string;
  let t2: string;

  // A holds 1 and 2 (first edit) and its newest manifest lists them; A was then unplugged, so the
  // edit of 2 and the new 3 went to B alone, whose newest manifest lists 2 (edited) and 3.
  beforeEach(async () => {
    t = await TwoVaults.make();
    await t.put('IMG_0001.CR3', one, ['A']);
    await t.put('IMG_0002.CR3', twoOld, ['A']);
    t1 = t.nextId();
    expect(await t.snapshot()).toEqual([]);
    await t.unplug('A');
    await t.put('IMG_0002.CR3', twoNew, ['B']);
    await t.put('IMG_0003.CR3', three, ['B']);
    t2 = t.nextId();
    expect(await t.snapshot()).toEqual(['A']);
    await t.plugIn('A');
  });
  afterEach(() => t.close());

  it('the newest manifests of A and B each miss a file: neither alone is the wedding', async () => {
    const newest = async (name: string) => {
      const refs = await t.repo(name).listSnapshots(t.slug);
      const { manifest } = await t.repo(name).readManifest(refs.at(-1)!.key);
      return [refs.at(-1)!.id, manifest.files.map((f) => `${f.path}:${f.sha256}`)];
    };
    expect(await newest('A')).toEqual([
      t1,
      [`IMG_0001.CR3:${sha256(one)}`, `IMG_0002.CR3:${sha256(twoOld)}`],
    ]);
    expect(await newest('B')).toEqual([
      t2,
      [`IMG_0002.CR3:${sha256(twoNew)}`, `IMG_0003.CR3:${sha256(three)}`],
    ]);
  });

  it('latest restores every file, the newest content of each, byte for byte', async () => {
    const { result, tree } = await t.restore();
    expect(tree).toEqual(await hashTree(t.wedding));
    expect(tree['IMG_0002.CR3']).toBe(sha256(twoNew));
    expect(result.restored).toBe(3);
    expect(result.failed).toEqual([]);
    expect(result.snapshot.id).toBe(t2);
    expect(result.from).toBe('B');
    expect(result.merged.map((m) => [m.destination, m.snapshot.id])).toEqual([
      ['B', t2],
      ['A', t1],
    ]);
    expect(result.unreachable).toEqual([]);
  });

  it('the listing of the latest backup (and of its snapshot id) shows the same merged files', async () => {
    for (const id of ['latest', t2]) {
      const view = await mergeSnapshots(t.repos, t.slug, { id });
      expect(view.manifest.files.map((f) => [f.path, f.sha256])).toEqual([
        ['IMG_0001.CR3', sha256(one)],
        ['IMG_0002.CR3', sha256(twoNew)],
        ['IMG_0003.CR3', sha256(three)],
      ]);
      expect(view.manifest.createdAt).toBe(view.parts[0]!.manifest.createdAt);
      expect(view.sourceOf.get('IMG_0001.CR3')!.name).toBe('A');
      expect(view.sourceOf.get('IMG_0002.CR3')!.name).toBe('B');
    }
  });

  it('a snapshot id restores the wedding as of then: nothing newer, every destination', async () => {
    const first = await t.restore({ snapshot: t1 });
    expect(first.tree).toEqual({ 'IMG_0001.CR3': sha256(one), 'IMG_0002.CR3': sha256(twoOld) });
    expect(first.result.merged.map((m) => [m.destination, m.snapshot.id])).toEqual([['A', t1]]);
    const second = await t.restore({ snapshot: t2 });
    expect(second.tree).toEqual(await hashTree(t.wedding));
    await expect(t.restore({ snapshot: '2020-01-01T00-00-00.000Z' })).rejects.toThrow(
      /no snapshot "2020-01-01T00-00-00.000Z" of wedding/,
    );
  });

  it('--from puts that destination`s snapshot first; the files it lacks still come from the others', async () => {
    const { result, tree } = await t.restore({ from: 'A' });
    expect(tree).toEqual({
      'IMG_0001.CR3': sha256(one),
      'IMG_0002.CR3': sha256(twoOld),
      'IMG_0003.CR3': sha256(three),
    });
    expect(result.from).toBe('A');
    expect(result.merged.map((m) => m.destination)).toEqual(['A', 'B']);
  });

  it('an unreachable destination is named, and what the others hold is restored', async () => {
    await t.unplug('B');
    const { result, tree } = await t.restore();
    expect(tree).toEqual({ 'IMG_0001.CR3': sha256(one), 'IMG_0002.CR3': sha256(twoOld) });
    expect(result.unreachable.map((u) => u.destination)).toEqual(['B']);
    expect(result.unreachable[0]!.reason).toMatch(/^B: /);
    await t.unplug('A');
    await expect(t.restore()).rejects.toThrow(/no snapshot of wedding .* on A, B \(A: .*; B: /);
  });
});

describe('files deleted after some destinations last had a snapshot', () => {
  let t: TwoVaults;
  beforeEach(async () => {
    t = await TwoVaults.make();
    await t.put('IMG_0001.CR3', one, ['A', 'B']);
    await t.put('IMG_0002.CR3', twoOld, ['A', 'B']);
    await t.put('IMG_0003.CR3', three, ['A', 'B']);
    expect(await t.snapshot()).toEqual([]);
  });
  afterEach(() => t.close());

  it('stay deleted when every destination was reachable; come back from one that was not, until its next snapshot', async () => {
    await t.remove('IMG_0003.CR3');
    expect(await t.snapshot()).toEqual([]);
    expect(Object.keys((await t.restore()).tree)).toEqual(['IMG_0001.CR3', 'IMG_0002.CR3']);

    // B is unplugged while 2 is deleted: its newest manifest still lists 2. An extra file rather
    // than a missing one: 2 is restored (B's manifest cannot say whether A lacks it or it was deleted).
    await t.unplug('B');
    await t.remove('IMG_0002.CR3');
    const deletedAt = t.nextId();
    expect(await t.snapshot()).toEqual(['B']);
    await t.plugIn('B');
    const back = await t.restore();
    expect(back.tree).toEqual({ 'IMG_0001.CR3': sha256(one), 'IMG_0002.CR3': sha256(twoOld) });
    expect(back.result.merged.map((m) => [m.destination, m.snapshot.id < deletedAt])).toEqual([
      ['A', false],
      ['B', true],
    ]);

    // The snapshot job runs again once B is back: B's manifest no longer lists 2.
    expect(await t.snapshot()).toEqual([]);
    expect((await t.restore()).tree).toEqual({ 'IMG_0001.CR3': sha256(one) });
  });
});

describe('laptops sharing a repository, and manifests from before devices', () => {
  let root = '';
  let repo: Repository;
  const entry = (path: string) => {
    const sha = sha256(path);
    return {
      path,
      sha256: sha,
      size: 1,
      object: `objects/${sha.slice(0, 2)}/${sha}`,
      mtime: '2026-06-14T12:00:00.000Z',
      captureTime: null,
    };
  };
  const write = (at: string, host: string, paths: string[], device?: string) =>
    repo.writeManifest(
      {
        format: 'keepsake-snapshot',
        version: 1,
        wedding: { slug: 'w', couple: 'W', date: null },
        createdAt: at,
        host,
        ...(device ? { device: { id: device, name: host } } : {}),
        files: paths.map(entry),
      },
      device ? `${at.replaceAll(':', '-')}_${device}` : at.replaceAll(':', '-'),
    );
  const paths = async (opts = {}) =>
    (await mergeSnapshots([repo], 'w', opts)).manifest.files.map((f) => f.path);

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'keepsake-devices-'));
    repo = new Repository(new LocalDestination('V', root), 'install-lead');
    await repo.init('2026-06-14T11:00:00.000Z');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("each device's newest snapshot counts; a named time is every device as of then", async () => {
    await write('2026-06-14T12:00:00.000Z', 'lead', ['a', 'b'], 'device-lead');
    await write('2026-06-14T12:01:00.000Z', 'second', ['c'], 'device-second');
    await write('2026-06-14T12:02:00.000Z', 'lead', ['a'], 'device-lead');
    expect(await paths()).toEqual(['a', 'c']);
    expect(await paths({ id: '2026-06-14T12-01-00.000Z' })).toEqual(['a', 'b', 'c']);
    expect(await paths({ id: '2026-06-14T12-00-00.000Z_device-lead' })).toEqual(['a', 'b']);
    expect(await paths({ device: 'device-second' })).toEqual(['c']);
    await expect(paths({ id: '2026-06-14T12-03-00.000Z' })).rejects.toThrow(/no snapshot/);
  });

  it("an old manifest gives way to its own laptop's newer one, never to another's", async () => {
    await write('2026-06-14T12:00:00.000Z', 'lead', ['a', 'deleted-since']);
    expect(await paths()).toEqual(['a', 'deleted-since']);
    await write('2026-06-14T12:01:00.000Z', 'second', ['c'], 'device-second');
    expect(await paths()).toEqual(['a', 'c', 'deleted-since']);
    await write('2026-06-14T12:02:00.000Z', 'lead', ['a'], 'device-lead');
    expect(await paths()).toEqual(['a', 'c']);
  });
});
