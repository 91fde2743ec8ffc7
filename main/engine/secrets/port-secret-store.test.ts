import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { ConfigError } from '../config/config-file.js';
import { newConfig, saveConfig } from '../config/config-file.js';
import { keyIdOf } from '../config/key-cache.js';
import { PortSecretStore } from './port-secret-store.js';
import { SECRET_REQUEST, SECRET_RESPONSE, secretRequestSchema } from './protocol.js';
import { SecretKeyCache } from './secret-key-cache.js';
import { SecretsError } from './secret-store.js';
import { channelFromPort, parentChannel, type ProcessLike } from './shell-channel.js';
import { shellSecretsFor } from './shell-secrets.js';

// The engine's side of the secrets port, over a real MessageChannel. The far end is a small scripted
// peer that answers (or misbehaves) as each test needs; the shell's real answering side is tested with
// its vault in main/app/secret-port.test.ts.
const ports: MessagePort[] = [];
const base = mkdtempSync(join(tmpdir(), 'keepsake-secrets-'));
afterEach(() => ports.splice(0).forEach((p) => p.close()));
afterAll(() => rmSync(base, { recursive: true, force: true }));

type Peer = (request: Record<string, unknown>, reply: (m: unknown) => void) => void;

/** A channel whose far end runs `peer` on each message; `values` is what an honest peer keeps. */
function connect(peer: Peer) {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const seen: unknown[] = [];
  port2.on('message', (m: Record<string, unknown>) => {
    seen.push(m);
    peer(m, (r) => port2.postMessage(r));
  });
  return { channel: channelFromPort(port1), engineEnd: port1, seen };
}

/** An honest shell: a Map, with every request checked by the protocol's schema. */
function honest(values = new Map<string, string>()): Peer {
  return (m, reply) => {
    const r = secretRequestSchema.parse(m);
    if (r.op === 'put') values.set(r.name, r.value);
    if (r.op === 'delete') values.delete(r.name);
    reply({
      type: SECRET_RESPONSE,
      id: r.id,
      ok: true,
      value: r.op === 'get' ? (values.get(r.name) ?? null) : null,
    });
  };
}

describe('PortSecretStore', () => {
  it('gets, puts and deletes secrets by asking the far end, one id per request', async () => {
    const values = new Map<string, string>();
    const { channel, seen } = connect(honest(values));
    const store = new PortSecretStore(channel);
    expect(await store.get('credential/B2')).toBeUndefined();
    await store.put('credential/B2', '{"kind":"s3"}');
    expect(values.get('credential/B2')).toBe('{"kind":"s3"}');
    const [a, b] = await Promise.all([store.get('credential/B2'), store.get('key/0123456789abcdef')]);
    expect([a, b]).toEqual(['{"kind":"s3"}', undefined]);
    await store.delete('credential/B2');
    expect(values.size).toBe(0);
    const ids = seen.map((m) => (m as { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(seen.every((m) => (m as { type: string }).type === SECRET_REQUEST)).toBe(true);
  });

  it('stops listening once nothing is outstanding, so the port does not keep the process alive', async () => {
    const { channel, engineEnd } = connect(honest());
    const store = new PortSecretStore(channel);
    const pending = store.get('credential/B2');
    expect(engineEnd.listenerCount('message')).toBe(1);
    await pending;
    expect(engineEnd.listenerCount('message')).toBe(0);
  });

  it('fails a request the far end never answers, after the timeout', async () => {
    const clock = new ManualClock();
    const { channel, engineEnd } = connect(() => undefined);
    const store = new PortSecretStore(channel, { clock, timeoutMs: 5_000 });
    let settled = false;
    const result = store
      .get('credential/B2')
      .catch((e: unknown) => e)
      .finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    clock.advance(4_999);
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    clock.advance(1);
    const err = await result;
    expect(err).toBeInstanceOf(SecretsError);
    expect((err as Error).message).toBe('the desktop app did not answer for credential/B2 within 5 s');
    expect(engineEnd.listenerCount('message')).toBe(0);
  });

  it('ignores answers to nobody and other messages, and fails a request whose answer is malformed', async () => {
    const { channel } = connect((m, reply) => {
      reply('garbage');
      reply(null);
      reply({ type: 'keepsake:stop' });
      reply({ type: SECRET_RESPONSE, id: 999, ok: true, value: 'not yours' });
      reply({ type: SECRET_RESPONSE, ok: true, value: 'no id' });
      if (m.name === 'credential/Bad')
        reply({ type: SECRET_RESPONSE, id: m.id, ok: true, value: 42 }); // not a string
      else reply({ type: SECRET_RESPONSE, id: m.id, ok: true, value: 'yours' });
    });
    const store = new PortSecretStore(channel, { timeoutMs: 2_000 });
    expect(await store.get('credential/Good')).toBe('yours');
    await expect(store.get('credential/Bad')).rejects.toThrow('the desktop app sent a malformed answer');
  });

  it("passes on the shell's refusal, and refuses names outside the protocol without asking", async () => {
    const { channel, seen } = connect((m, reply) =>
      reply({ type: SECRET_RESPONSE, id: m.id, ok: false, error: 'the system keychain is locked' }),
    );
    const store = new PortSecretStore(channel);
    await expect(store.put('key/0123456789abcdef', 'x')).rejects.toThrow(
      'the desktop app refused: the system keychain is locked',
    );
    for (const name of ['credentials.json', 'key/../../etc', 'credential/', 'key/XYZ'])
      await expect(store.get(name), name).rejects.toThrow(/not a secret name/);
    expect(seen).toHaveLength(1);
  });

  it('fails at once when the channel is closed', async () => {
    const store = new PortSecretStore({
      post: () => {
        throw new Error('channel closed');
      },
      listen: () => () => undefined,
    });
    await expect(store.get('credential/B2')).rejects.toThrow(
      'cannot reach the desktop app for credential/B2: channel closed',
    );
  });
});

describe('SecretKeyCache', () => {
  it('keeps a repository key with its key files in one secret, checked when read back', async () => {
    const values = new Map<string, string>();
    const keys = new SecretKeyCache(new PortSecretStore(connect(honest(values)).channel));
    const identity = await generateX25519Identity();
    const recipient = await identityToRecipient(identity);
    const keyId = keyIdOf(recipient);
    const passphraseFile = new Uint8Array([1, 2, 3, 250]);
    expect(await keys.get(keyId)).toBeUndefined();
    await keys.put({ keyId, identity, recipient, passphraseFile });
    expect([...values.keys()]).toEqual([`key/${keyId}`]);
    expect(await keys.get(keyId)).toEqual({ keyId, identity, recipient, passphraseFile });
    // An entry swapped under another key's id, or damaged, is refused rather than used.
    const other = keyIdOf(await identityToRecipient(await generateX25519Identity()));
    values.set(`key/${other}`, values.get(`key/${keyId}`)!);
    await expect(keys.get(other)).rejects.toThrow(/damaged/);
    values.set(`key/${keyId}`, '{"identity":"AGE-SECRET-KEY-1"}');
    await expect(keys.get(keyId)).rejects.toThrow(/damaged/);
    await expect(keys.put({ keyId: other, identity, recipient })).rejects.toThrow(/does not match/);
    await keys.delete(keyId);
    expect(values.has(`key/${keyId}`)).toBe(false);
  });
});

describe('shellSecretsFor', () => {
  const home = join(base, 'home');
  const config = newConfig();
  config.destinations.push(
    {
      name: 'B2',
      kind: 's3',
      bucket: 'weddings',
      prefix: 'keepsake',
      region: 'us-west-004',
      credentials: 'stored',
      enabled: true,
    } as never,
    {
      name: 'AWS',
      kind: 's3',
      bucket: 'weddings-env',
      prefix: 'keepsake',
      region: 'eu-central-1',
      credentials: 'environment',
      enabled: true,
    } as never,
  );
  saveConfig(home, config);
  const b2 = { kind: 's3', accessKeyId: '004abc', secretAccessKey: 'K004secret' } as const;

  it('is off unless KEEPSAKE_SECRETS=shell, and refuses that without a parent port', async () => {
    expect(await shellSecretsFor(home, {}, () => undefined)).toBeUndefined();
    await expect(shellSecretsFor(home, { KEEPSAKE_SECRETS: 'files' })).rejects.toThrow(ConfigError);
    await expect(shellSecretsFor(home, { KEEPSAKE_SECRETS: 'shell' }, () => undefined)).rejects.toThrow(
      /not started by Keepsake's desktop app/,
    );
  });

  it('reads the stored credentials of the config once from the shell, and writes new ones through', async () => {
    const values = new Map([['credential/B2', JSON.stringify(b2)]]);
    const { channel, seen } = connect(honest(values));
    const secrets = (await shellSecretsFor(home, { KEEPSAKE_SECRETS: 'shell' }, () => channel))!;
    expect(seen.map((m) => (m as { name: string }).name)).toEqual(['credential/B2']); // AWS uses the environment
    expect(secrets.credentials.get('B2')).toEqual(b2);
    expect(secrets.credentials.get('AWS')).toBeUndefined();
    await secrets.credentials.set('Wasabi', { ...b2, accessKeyId: 'W' });
    expect(JSON.parse(values.get('credential/Wasabi')!)).toEqual({ ...b2, accessKeyId: 'W' });
    expect(secrets.credentials.get('Wasabi')).toMatchObject({ accessKeyId: 'W' });
    await secrets.credentials.delete('B2');
    expect(values.has('credential/B2')).toBe(false);
    expect(secrets.credentials.get('B2')).toBeUndefined();
    expect(secrets.keys).toBeInstanceOf(SecretKeyCache);
  });

  it('stops with a clear message when the shell refuses or keeps something that is not a credential', async () => {
    const refusing = connect((m, reply) =>
      reply({ type: SECRET_RESPONSE, id: m.id, ok: false, error: 'no system keyring answers' }),
    ).channel;
    await expect(shellSecretsFor(home, { KEEPSAKE_SECRETS: 'shell' }, () => refusing)).rejects.toThrow(
      'the credentials of "B2" could not be read: the desktop app refused: no system keyring answers',
    );
    const damaged = connect(honest(new Map([['credential/B2', '{"kind":"s3"}']]))).channel;
    const err = await shellSecretsFor(home, { KEEPSAKE_SECRETS: 'shell' }, () => damaged).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/credentials of "B2" kept in .* are damaged/);
  });
});

describe('parentChannel', () => {
  it("unwraps Electron's parentPort events, and is absent in a process nobody forked", async () => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    // Electron's parentPort delivers `{ data }` events: modelled by re-emitting port1's messages so.
    const listeners = new Map<unknown, (m: unknown) => void>();
    const parentPort = {
      postMessage: (m: unknown) => port1.postMessage(m),
      on: (_e: 'message', l: (e: { data: unknown }) => void) => {
        const wrapped = (m: unknown) => l({ data: m });
        listeners.set(l, wrapped);
        port1.on('message', wrapped);
      },
      off: (_e: 'message', l: (e: { data: unknown }) => void) => port1.off('message', listeners.get(l)!),
    };
    const proc = { parentPort, on: () => undefined, off: () => undefined } as ProcessLike;
    port2.on('message', (m: { id: number }) =>
      port2.postMessage({ type: SECRET_RESPONSE, id: m.id, ok: true, value: 'from the shell' }),
    );
    const store = new PortSecretStore(parentChannel(proc)!);
    expect(await store.get('credential/B2')).toBe('from the shell');
    expect(port1.listenerCount('message')).toBe(0);
    expect(parentChannel({ on: () => undefined, off: () => undefined })).toBeUndefined();
  });
});
