import { useState, type FormEvent } from 'react';
import type { WatchedFolder } from '../../../shared/api/contract.js';
import { api } from '../lib/api.js';
import { FolderField } from './FolderField.js';

/**
 * Adding a watched folder: a weddings folder (each sub-folder a wedding) or a loose import folder.
 * Keepsake watches it as soon as the answer comes; a refusal (no such folder, one that overlaps a
 * backup) is shown as the engine words it.
 */
export function FolderForm({ initialPath = '', onAdded }: { initialPath?: string; onAdded?: () => void }) {
  const [path, setPath] = useState(initialPath);
  const [kind, setKind] = useState<WatchedFolder['kind']>('weddings');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post('POST /api/folders', { path: path.trim(), kind });
      onAdded?.();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={submit} aria-label="Add a folder">
      <FolderField
        label="Folder to watch"
        value={path}
        onChange={(v) => {
          setPath(v);
          setError(null);
        }}
        placeholder="/Users/you/Pictures/Weddings"
        required
      />
      <fieldset className="choices">
        <legend>What is in it</legend>
        <label className="check">
          <input
            type="radio"
            name="folder-kind"
            checked={kind === 'weddings'}
            onChange={() => setKind('weddings')}
          />
          <span>
            <strong>One folder per wedding</strong>{' '}
            <span className="muted">e.g. “2026-06-14 Smith &amp; Jones”; each becomes a wedding</span>
          </span>
        </label>
        <label className="check">
          <input
            type="radio"
            name="folder-kind"
            checked={kind === 'import'}
            onChange={() => setKind('import')}
          />
          <span>
            <strong>Loose imports</strong>{' '}
            <span className="muted">files are sorted into weddings by the date they were taken</span>
          </span>
        </label>
      </fieldset>
      <button type="submit" className="button button-primary" disabled={busy || !path.trim()}>
        {busy ? 'Adding…' : 'Watch this folder'}
      </button>
      {error && (
        <p className="callout callout-bad" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
