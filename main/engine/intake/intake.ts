import { basename, relative, sep } from 'node:path';
import { assignWedding, NEXT_MORNING_CUTOFF_HOUR } from '../catalog/assign.js';
import { findCaptureTime, type CameraFacts } from '../catalog/capture-date.js';
import type { CaptureSource } from '../../../shared/model/file.js';
import { parseWeddingFolder, slugify } from '../catalog/wedding-name.js';
import type { Clock } from '../clock.js';
import type { FileStat, IndexedFile } from '../store/files.js';
import type { WatchedFolder } from '../store/folders.js';
import type { Store } from '../store/store.js';
import { isMedia } from './media.js';

/** A file as the scan or the watcher reports it. */
export interface SeenEntry {
  kind: 'file' | 'symlink';
  path: string;
  size: number;
  mtimeMs: number;
  ino: number | bigint;
  dev: number | bigint;
}

/** What a regroup changed: files moved, and how many each wedding (null: unassigned) gained. */
export interface Regrouped {
  moved: number;
  gained: Map<number | null, number>;
}

type FolderMap = { path: string; weddingId: number }[];

const isUnder = (path: string, root: string) =>
  path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
const toPosix = (p: string) => p.split(sep).join('/');

/**
 * Turns what the scan and the watcher see into index entries and upload jobs: decides each file's
 * wedding (its folder under a weddings root, a folder the user gave a wedding, or its EXIF capture date
 * for loose imports) and queues new or changed files. Unchanged files cost one index lookup.
 */
export class Intake {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly debounceSnapshotsMs: number,
    /** Upload priority of a wedding's new files: its protection policy's (critical first). */
    private readonly priorityOf: (weddingId: number | null) => number = () => 0,
    /** Captures before this hour belong to the previous day's wedding (config `capture.dayBoundaryHour`). */
    private readonly dayBoundaryHour = NEXT_MORNING_CUTOFF_HOUR,
  ) {}

  private folders(): WatchedFolder[] {
    return this.store.folders.list().sort((a, b) => b.path.length - a.path.length);
  }

  folderFor(path: string): WatchedFolder | undefined {
    return this.folders().find((f) => isUnder(path, f.path));
  }

  /** Records a file seen on disk; queues it when it is new or changed. Returns true when queued. */
  async seen(entry: SeenEntry, folder = this.folderFor(entry.path)): Promise<boolean> {
    if (!folder) return false;
    const stat: FileStat = {
      size: entry.size,
      mtimeMs: Math.trunc(entry.mtimeMs),
      ino: String(entry.ino),
      dev: String(entry.dev),
    };
    const known = this.store.files.byPath(entry.path);
    if (
      known &&
      known.state !== 'deleted' &&
      known.size === stat.size &&
      known.mtimeMs === stat.mtimeMs &&
      known.ino === stat.ino
    ) {
      return false;
    }
    const weddingsBefore = this.createdWeddings;
    const place = this.placeOf(entry.path, folder);
    let captureTime: string | null = known?.captureTime ?? null;
    let captureSource: CaptureSource | null = known?.captureSource ?? null;
    let camera: CameraFacts | undefined;
    if (entry.kind === 'file' && isMedia(entry.path)) {
      const found = await findCaptureTime(entry.path);
      captureTime = found.captureTime;
      captureSource = found.source;
      camera = found.camera;
    }
    let weddingId = place.weddingId;
    if (weddingId === null && folder.kind === 'import' && captureTime) {
      weddingId = assignWedding(captureTime, this.store.weddings.onDates(), this.dayBoundaryHour);
    }
    const now = this.clock.now();
    // A wedding folder just appeared: loose imports of its day join it now, not at the next start.
    if (this.createdWeddings !== weddingsBefore) this.regroup();
    return this.store.tx(() => {
      const { file, changed } = this.store.files.seen(
        { path: entry.path, folderId: folder.id, weddingId, relPath: place.relPath, stat },
        now,
      );
      this.store.files.setCaptureTime(file.id, captureTime, captureSource);
      if (camera) this.store.files.setCamera(file.id, camera);
      if (entry.kind === 'symlink') {
        this.store.files.setState(
          file.id,
          'skipped',
          'symbolic link: not followed (back up the folder it points to instead)',
          now,
        );
        return false;
      }
      if (!changed) return false;
      this.store.queue.enqueue('upload', String(file.id), now, { priority: this.priorityOf(weddingId) });
      return true;
    });
  }

  /** A file or folder vanished: its index entries are marked deleted (stored copies stay). */
  removed(path: string, folder: boolean): void {
    const now = this.clock.now();
    const weddings = new Set<number | null>();
    const gone = this.store.files.markDeleted(path, now);
    if (gone) weddings.add(gone.weddingId);
    if (folder || !gone) for (const w of this.store.files.markDeletedUnder(path, now)) weddings.add(w);
    // The next snapshot records the deletion; older snapshots keep the files (point-in-time restore).
    for (const w of weddings) this.snapshotSoon(w);
  }

  /** Something under a watched folder could not be read: recorded so status shows it, never silent. */
  problem(path: string, message: string, folder = this.folderFor(path)): void {
    if (!folder) return;
    const now = this.clock.now();
    const { file } = this.store.files.seen(
      {
        path,
        folderId: folder.id,
        weddingId: null,
        relPath: toPosix(relative(folder.path, path)) || basename(path),
        stat: { size: 0, mtimeMs: 0, ino: '', dev: '' },
      },
      now,
    );
    this.store.files.setState(file.id, 'failed', message, now);
  }

  /**
   * Decides again, from the index alone (no file is read), the wedding of every indexed file of the
   * import folders and of the files under `folders` (which just joined or left a wedding): after a
   * wedding was added, its date or folders changed, or the day boundary moved. Moved files are queued
   * for placement under their new wedding's policy, and the snapshots of every wedding that gained or
   * lost files are queued.
   */
  regroup(folders: readonly string[] = []): Regrouped {
    const now = this.clock.now();
    return this.store.tx(() => {
      const candidates = new Map<number, IndexedFile>();
      for (const f of this.store.files.inImportFolders()) candidates.set(f.id, f);
      for (const dir of folders) for (const f of this.store.files.liveUnder(dir)) candidates.set(f.id, f);
      const watched = new Map(this.store.folders.list().map((f) => [f.id, f]));
      const map = this.folderMapByDepth();
      const dated = this.store.weddings.onDates();
      const moves: { id: number; from: number | null; weddingId: number | null; relPath: string }[] = [];
      for (const f of candidates.values()) {
        const folder = watched.get(f.folderId);
        if (!folder) continue;
        const place = this.placeOf(f.path, folder, map);
        let weddingId = place.weddingId;
        if (weddingId === null && folder.kind === 'import')
          weddingId = assignWedding(f.captureTime, dated, this.dayBoundaryHour);
        if (weddingId !== f.weddingId || place.relPath !== f.relPath)
          moves.push({ id: f.id, from: f.weddingId, weddingId, relPath: place.relPath });
      }
      this.store.files.moveToWedding(moves, now);
      const gained = new Map<number | null, number>();
      const touched = new Set<number | null>();
      for (const m of moves) {
        touched.add(m.from).add(m.weddingId);
        if (m.from !== m.weddingId) gained.set(m.weddingId, (gained.get(m.weddingId) ?? 0) + 1);
        const state = candidates.get(m.id)!.state;
        if (state === 'pending' || state === 'failed' || state === 'protected')
          this.store.queue.enqueue('upload', String(m.id), now, { priority: this.priorityOf(m.weddingId) });
      }
      for (const w of touched) this.snapshotSoon(w);
      return { moved: moves.length, gained };
    });
  }

  /**
   * Queues the snapshot of a wedding (or of the unassigned files) once its uploads settle; `now`
   * when nothing is left to upload, so a finished card is restorable by name without waiting.
   */
  snapshotSoon(weddingId: number | null, opts: { now?: boolean } = {}): void {
    const now = this.clock.now();
    this.store.queue.enqueue('snapshot', weddingId === null ? 'unassigned' : String(weddingId), now, {
      priority: -100,
      runAfter: opts.now ? now : now + this.debounceSnapshotsMs,
    });
  }

  /** The folders that belong to weddings, deepest first (the first match is a path's own). */
  private folderMapByDepth(): FolderMap {
    return this.store.weddings.folderMap().sort((a, b) => b.path.length - a.path.length);
  }

  /** Which wedding a path belongs to by its folder, and its path inside the wedding. */
  private placeOf(
    path: string,
    folder: WatchedFolder,
    map: FolderMap = this.folderMapByDepth(),
  ): { weddingId: number | null; relPath: string } {
    const own = map.find((f) => isUnder(path, f.path));
    if (own) return { weddingId: own.weddingId, relPath: toPosix(relative(own.path, path)) };
    const rel = toPosix(relative(folder.path, path));
    if (folder.kind === 'import') return { weddingId: null, relPath: `${basename(folder.path)}/${rel}` };
    const [top, ...rest] = rel.split('/');
    if (!top || rest.length === 0) return { weddingId: null, relPath: `${basename(folder.path)}/${rel}` };
    const weddingDir = `${folder.path}${sep}${top}`;
    const wedding = this.store.weddings.byFolder(weddingDir) ?? this.createFolderWedding(weddingDir, top);
    return { weddingId: wedding.id, relPath: rest.join('/') };
  }

  /** Weddings this intake created from new folders (a change means loose files may now match). */
  private createdWeddings = 0;

  private createFolderWedding(dir: string, name: string) {
    this.createdWeddings++;
    const parsed = parseWeddingFolder(name);
    const couple = parsed?.couple || name;
    const date = parsed?.date ?? null;
    const wedding = this.store.weddings.create(
      { slugBase: slugify(date, couple), couple, date, source: 'folder' },
      this.clock.now(),
    );
    this.store.weddings.addFolder(wedding.id, dir);
    return this.store.weddings.byId(wedding.id)!;
  }
}
