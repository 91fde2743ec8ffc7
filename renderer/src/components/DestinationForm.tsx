import { useId, useState, type FormEvent } from 'react';
import type { AddedDestination, ConnectionTest, NewDestination } from '../../../shared/api/contract.js';
import type { DestinationKind } from '../../../shared/model/destination.js';
import { api } from '../lib/api.js';
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

/** Minimum length of a new passphrase (the engine refuses shorter ones too). */
const MIN_PASSPHRASE = 12;

/**
 * Adding a destination: its kind and settings, encryption (the default for clouds, with the
 * passphrase of the first encrypted destination), a connection test that says which step failed,
 * then add; the engine tests the connection again before it saves. `initial` pre-fills it (the first
 * run suggests a local vault). `onAdded` gets the answer, with a new key's recovery key to show once.
 */
export function DestinationForm({
  initial = {},
  initialKind = 'local',
  onAdded,
  simple = false,
}: {
  initial?: Record<string, string>;
  initialKind?: DestinationKind;
  onAdded?: (added: AddedDestination) => void;
  /** The first run's form: no region tags (they matter once there are policies to follow). */
  simple?: boolean;
}) {
  const [kind, setKind] = useState<DestinationKind>(initialKind);
  const [f, setF] = useState<Record<string, string>>({ name: '', ...initial });
  const [encrypt, setEncrypt] = useState(initialKind !== 'local');
  /** The user says this folder is on a drive or NAS of its own (otherwise Keepsake compares disks). */
  const [offLaptop, setOffLaptop] = useState(false);
  const [passphrase, setPassphrase] = useState({ first: '', again: '' });
  const [test, setTest] = useState<ConnectionTest | null>(null);
  const [busy, setBusy] = useState<'test' | 'add' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<AddedDestination | null>(null);
  const set = (k: string) => (v: string) => {
    setF((x) => ({ ...x, [k]: v }));
    setTest(null);
    setAdded(null);
  };
  const dest = {
    ...toNewDestination(f, kind),
    ...(kind === 'local' && offLaptop ? { onLaptop: false } : {}),
  };
  const passphraseProblem =
    !encrypt || passphrase.first === ''
      ? null
      : passphrase.first.length < MIN_PASSPHRASE
        ? `The passphrase needs at least ${MIN_PASSPHRASE} characters.`
        : passphrase.first !== passphrase.again
          ? 'The two passphrases differ.'
          : null;
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
    if (passphraseProblem) return setError(passphraseProblem);
    setBusy('add');
    setError(null);
    setAdded(null);
    try {
      const d = await api.post('POST /api/destinations', {
        ...dest,
        encrypt,
        ...(encrypt && passphrase.first ? { passphrase: passphrase.first } : {}),
      });
      setAdded(d);
      setPassphrase({ first: '', again: '' });
      onAdded?.(d);
    } catch (err) {
      setError((err as Error).message);
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
            const next = e.target.value as DestinationKind;
            setKind(next);
            setEncrypt(next !== 'local');
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
      {kind === 'local' && (
        <label className="check">
          <input type="checkbox" checked={offLaptop} onChange={(e) => setOffLaptop(e.target.checked)} />
          <span>
            <strong>It is an external drive or NAS</strong>{' '}
            <span className="muted">
              a copy that survives a lost or broken laptop. Unticked, Keepsake checks whether the folder is on
              the laptop’s own disk, and a copy there does not count as protection.
            </span>
          </span>
        </label>
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
      <fieldset className="choices">
        <legend>Encryption</legend>
        <label className="check">
          <input type="checkbox" checked={encrypt} onChange={(e) => setEncrypt(e.target.checked)} />
          <span>
            <strong>Encrypt what is stored there</strong>{' '}
            <span className="muted">
              {cloud
                ? 'recommended: the provider cannot see the photos or the couples’ names'
                : 'for a drive that may be lost or stolen'}
            </span>
          </span>
        </label>
        {encrypt && (
          <>
            <Text
              label="Passphrase"
              type="password"
              value={passphrase.first}
              onChange={(v) => setPassphrase((p) => ({ ...p, first: v }))}
              hint={`Needed for your first encrypted destination (at least ${MIN_PASSPHRASE} characters; a few unrelated words are best); later ones use the same key. Without it, or the recovery key shown next, nobody can open these backups.`}
            />
            {passphrase.first && (
              <Text
                label="Repeat the passphrase"
                type="password"
                value={passphrase.again}
                onChange={(v) => setPassphrase((p) => ({ ...p, again: v }))}
              />
            )}
          </>
        )}
        {!encrypt && cloud && (
          <p className="callout callout-warn" role="note">
            Not encrypted: the storage provider, and anyone who gets into the bucket, can open every photo and
            read the couples’ names.
          </p>
        )}
      </fieldset>
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
          Added {added.name}
          {added.encrypted ? ' (encrypted)' : ''}. Keepsake is copying to it now.
        </p>
      )}
    </form>
  );
}
