import { useId, useState, type FormEvent } from 'react';
import type { ConnectionTest, NewDestination } from '../../../shared/api/contract.js';
import type { DestinationKind } from '../../../shared/model/destination.js';
import { api, notServed } from '../lib/api.js';
import { addDestinationCommand } from '../lib/cli-hint.js';
import { CliFallback } from './CliFallback.js';
import { ConnectionTestView } from './ConnectionTest.js';
import { FolderField } from './FolderField.js';

const KINDS: { kind: DestinationKind; label: string }[] = [
  { kind: 'local', label: 'A folder: external drive, NAS or this computer' },
  { kind: 's3', label: 'Amazon S3 or S3-compatible' },
  { kind: 'b2', label: 'Backblaze B2' },
  { kind: 'wasabi', label: 'Wasabi' },
  { kind: 'gcs', label: 'Google Cloud Storage' },
  { kind: 'azure', label: 'Azure Blob Storage' },
];

const CLASSES: Partial<Record<DestinationKind, string[]>> = {
  s3: ['STANDARD', 'STANDARD_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'],
  gcs: ['STANDARD', 'NEARLINE', 'COLDLINE', 'ARCHIVE'],
  azure: ['Hot', 'Cool', 'Cold', 'Archive'],
};

function Text({
  label,
  value,
  onChange,
  hint,
  type = 'text',
  required,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  hint?: string;
  type?: string;
  required?: boolean;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        value={value}
        required={required}
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => onChange(e.target.value)}
      />
      {hint && <p className="hint">{hint}</p>}
    </div>
  );
}

/** The form's fields as the API takes them: empty fields left out, region tags split. */
export function toNewDestination(f: Record<string, string>, kind: DestinationKind): NewDestination {
  const pick = (k: string) => (f[k]?.trim() ? { [k]: f[k]!.trim() } : {});
  const tags = (f.regionTags ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return {
    name: f.name?.trim() ?? '',
    kind,
    ...(kind === 'local'
      ? pick('path')
      : {
          ...pick('bucket'),
          ...pick('container'),
          ...pick('prefix'),
          ...pick('region'),
          ...pick('endpoint'),
          ...pick('storageClass'),
          ...pick('accessKeyId'),
          ...pick('secretAccessKey'),
        }),
    ...(tags.length ? { regionTags: tags } : {}),
  };
}

/**
 * Adding a destination: its kind and settings, a connection test that says which step failed, then
 * add. `initial` pre-fills it (the first run suggests a local vault).
 */
export function DestinationForm({
  initial = {},
  initialKind = 'local',
  onAdded,
  simple = false,
}: {
  initial?: Record<string, string>;
  initialKind?: DestinationKind;
  onAdded?: () => void;
  /** The first run's form: no region tags (they matter once there are policies to follow). */
  simple?: boolean;
}) {
  const [kind, setKind] = useState<DestinationKind>(initialKind);
  const [f, setF] = useState<Record<string, string>>({ name: '', ...initial });
  const [test, setTest] = useState<ConnectionTest | null>(null);
  const [busy, setBusy] = useState<'test' | 'add' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fallback, setFallback] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const set = (k: string) => (v: string) => {
    setF((x) => ({ ...x, [k]: v }));
    setTest(null);
  };
  const dest = toNewDestination(f, kind);
  const runTest = async () => {
    setBusy('test');
    setError(null);
    try {
      setTest(await api.post('POST /api/destinations/test', { destination: dest }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setBusy('add');
    setError(null);
    setFallback(null);
    try {
      const d = await api.post('POST /api/destinations', dest);
      setAdded(d.name);
      onAdded?.();
    } catch (err) {
      if (notServed(err)) setFallback(addDestinationCommand(dest));
      else setError((err as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const cloud = kind !== 'local';
  const s3Like = kind === 's3' || kind === 'b2' || kind === 'wasabi';
  return (
    <form className="form" onSubmit={add} aria-label="Add a destination">
      <div className="field">
        <label htmlFor="dest-kind">Kind</label>
        <select
          id="dest-kind"
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as DestinationKind);
            setTest(null);
          }}
        >
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </div>
      <Text
        label="Name"
        value={f.name ?? ''}
        onChange={set('name')}
        hint="How Keepsake calls it, e.g. Studio NAS."
        required
      />
      {kind === 'local' && (
        <FolderField
          label="Folder"
          value={f.path ?? ''}
          onChange={set('path')}
          hint="On the drive or share to back up to. Keepsake creates it if its parent folder exists."
          required
        />
      )}
      {cloud && kind !== 'azure' && (
        <Text label="Bucket" value={f.bucket ?? ''} onChange={set('bucket')} required />
      )}
      {kind === 'azure' && (
        <Text label="Container" value={f.container ?? ''} onChange={set('container')} required />
      )}
      {cloud && <Text label="Folder inside it (optional)" value={f.prefix ?? ''} onChange={set('prefix')} />}
      {s3Like && (
        <Text
          label="Region"
          value={f.region ?? ''}
          onChange={set('region')}
          hint={kind === 's3' ? 'e.g. eu-central-1 (default us-east-1)' : 'e.g. eu-central-1'}
          required={kind !== 's3'}
        />
      )}
      {(kind === 's3' || kind === 'azure' || kind === 'gcs') && (
        <Text
          label="Endpoint (optional)"
          value={f.endpoint ?? ''}
          onChange={set('endpoint')}
          hint="Only for an S3-compatible server, an emulator or a private gateway."
        />
      )}
      {CLASSES[kind] && (
        <div className="field">
          <label htmlFor="dest-class">Storage class</label>
          <select
            id="dest-class"
            value={f.storageClass ?? ''}
            onChange={(e) => set('storageClass')(e.target.value)}
          >
            <option value="">The provider’s default</option>
            {CLASSES[kind]!.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
      )}
      {s3Like && (
        <>
          <Text
            label="Access key id (optional)"
            value={f.accessKeyId ?? ''}
            onChange={set('accessKeyId')}
            hint="Leave both empty to use the credentials set up on this computer."
          />
          <Text
            label="Secret access key"
            type="password"
            value={f.secretAccessKey ?? ''}
            onChange={set('secretAccessKey')}
          />
        </>
      )}
      {!simple && (
        <Text
          label="Region tags (optional)"
          value={f.regionTags ?? ''}
          onChange={set('regionTags')}
          hint="Where the copies are, e.g. EU. Weddings that must stay in a region only use destinations tagged with it."
        />
      )}
      <div className="actions">
        <button type="button" className="button" onClick={runTest} disabled={busy !== null || !dest.name}>
          {busy === 'test' ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" className="button button-primary" disabled={busy !== null || !dest.name}>
          {busy === 'add' ? 'Adding…' : 'Add destination'}
        </button>
      </div>
      {test && <ConnectionTestView test={test} />}
      {error && (
        <p className="callout callout-bad" role="alert">
          {error}
        </p>
      )}
      {added && (
        <p className="callout callout-ok" role="status">
          Added {added}. Keepsake starts copying to it now.
        </p>
      )}
      {fallback && <CliFallback what="Adding a destination from this window" command={fallback} />}
    </form>
  );
}
