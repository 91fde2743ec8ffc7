import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../engine/clock.js';
import { newConfig } from '../engine/config/config-file.js';
import { keyIdOf } from '../engine/config/key-cache.js';
import { NotificationCenter } from '../engine/notify/center.js';
import { notifiersFor } from '../engine/notify/from-config.js';
import { PortSecretStore } from '../engine/secrets/port-secret-store.js';
import { SECRET_REQUEST, SECRET_RESPONSE } from '../engine/secrets/protocol.js';
import { SecretKeyCache } from '../engine/secrets/secret-key-cache.js';
import { channelFromPort } from '../engine/secrets/shell-channel.js';
import { engineInbox } from './engine-inbox.js';
import { KeychainVault } from './keychain-vault.js';
import { DesktopNotifier, type DesktopNotification } from './notifications.js';
import { SecretServer } from './secret-server.js';
import { fakeSafeStorage } from './testing/safe-storage.js';

// Both ends of the engine's message port, for real: the engine's PortSecretStore and ShellNotifier on
// one side of a MessageChannel, the shell's inbox, secret server, keychain vault and desktop notifier on
// the other. Only Electron (safeStorage, Notification) is replaced, at the module boundary.
const base = mkdtempSync(join(tmpdir(), 'keepsake-port-'));
const ports: MessagePort[] = [];
afterEach(() => ports.splice(0).forEach((p) => p.close()));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
function wire(opts: { backend?: string; vault?: KeychainVault; onMiss?: () => Promise<unknown> } = {}) {
  const { port1: engineEnd, port2: shellEnd } = new MessageChannel();
  ports.push(engineEnd, shellEnd);
  const vault =
    opts.vault ??
    KeychainVault.forHome(
      fakeSafeStorage(opts.backend ? { backend: opts.backend } : {}),
      join(base, `userData${n++}`),
      '/home/ana/keepsake',
      'linux',
    );
  const shown: { options: unknown; n: DesktopNotification }[] = [];
  const desktop = new DesktopNotifier(
    {
      isSupported: () => true,
      create: (options) => {
        const n = { show: vi.fn(), on: vi.fn() };
        shown.push({ options, n });
        return n;
      },
    },
    () => undefined,
  );
  const logged: string[] = [];
  const server = new SecretServer({
    vault,
    post: (m) => shellEnd.postMessage(m),
    ...(opts.onMiss ? { onMiss: opts.onMiss } : {}),
    log: (l) => logged.push(l),
  });
  shellEnd.on(
    'message',
    engineInbox({ secrets: server, notify: (e) => void desktop.notify(e), log: (l) => logged.push(l) }),
  );
  const channel = channelFromPort(engineEnd);
  return {
    vault,
    channel,
    store: new PortSecretStore(channel, { timeoutMs: 2_000 }),
    shown,
    logged,
    engineEnd,
    shellEnd,
  };
}

describe("the engine's secrets, kept by the shell", () => {
  it('are asked for over the port and answered from the keychain vault, encrypted at rest', async () => {
    const { vault, store } = wire();
    const b2 = '{"kind":"s3","accessKeyId":"004abc","secretAccessKey":"K004secret"}';
    expect(await store.get('credential/B2')).toBeUndefined();
    await store.put('credential/B2', b2);
    expect(vault.names()).toEqual(['credential/B2']);
    expect(vault.get('credential/B2')).toBe(b2);
    expect(await store.get('credential/B2')).toBe(b2);
    await store.delete('credential/B2');
    expect(vault.names()).toEqual([]);

    // A repository key, through the engine's KeyCache over the port.
    const keys = new SecretKeyCache(store);
    const identity = await generateX25519Identity();
    const recipient = await identityToRecipient(identity);
    const keyId = keyIdOf(recipient);
    await keys.put({ keyId, identity, recipient, passphraseFile: new Uint8Array([7, 7]) });
    expect(vault.names()).toEqual([`key/${keyId}`]);
    expect(await keys.get(keyId)).toEqual({
      keyId,
      identity,
      recipient,
      passphraseFile: new Uint8Array([7, 7]),
    });
  });

  it('are refused with the reason when there is no real keychain (Linux basic_text)', async () => {
    const { store } = wire({ backend: 'basic_text' });
    await expect(store.put('credential/B2', '{}')).rejects.toThrow(
      /the desktop app refused: secrets cannot be kept encrypted: no system keyring answers/,
    );
  });

  it('look for plaintext files written meanwhile once when a value is missing', async () => {
    const vault = KeychainVault.forHome(
      fakeSafeStorage(),
      join(base, 'userData-miss'),
      '/home/ana/keepsake',
      'darwin',
    );
    const onMiss = vi.fn(async () => vault.put('key/0123456789abcdef', 'moved meanwhile'));
    const { store } = wire({ vault, onMiss });
    expect(await store.get('key/0123456789abcdef')).toBe('moved meanwhile');
    expect(await store.get('credential/Nowhere')).toBeUndefined();
    expect(onMiss).toHaveBeenCalledTimes(2);
  });

  it('take no garbage: malformed requests are refused by id or dropped, and never touch the vault', async () => {
    const { vault, engineEnd, logged } = wire();
    vault.put('credential/B2', 'kept');
    const answers: unknown[] = [];
    engineEnd.on('message', (m) => answers.push(m));
    for (const bad of [
      { type: SECRET_REQUEST, id: 1, op: 'get', name: '../../credentials.json' },
      { type: SECRET_REQUEST, id: 2, op: 'delete', name: 'credential/B2', extra: true },
      { type: SECRET_REQUEST, id: 3, op: 'put', name: 'credential/B2', value: 42 },
      { type: SECRET_REQUEST, id: 4, op: 'list' },
      { type: SECRET_REQUEST, op: 'delete', name: 'credential/B2' },
      { type: SECRET_REQUEST, id: -1, op: 'delete', name: 'credential/B2' },
      { type: 'keepsake:something', id: 5 },
      'keepsake:secret-request',
      null,
    ])
      engineEnd.postMessage(bad);
    await new Promise((r) => setTimeout(r, 100));
    expect(answers).toEqual(
      [1, 2, 3, 4].map((id) => ({ type: SECRET_RESPONSE, id, ok: false, error: 'malformed request' })),
    );
    expect(vault.get('credential/B2')).toBe('kept');
    expect(logged.filter((l) => l.includes('without an id'))).toHaveLength(2);
    expect(logged.filter((l) => l.startsWith('ignored a message'))).toHaveLength(3);
  });
});

describe('desktop notifications', () => {
  it("reach the shell's notification function once per incident", async () => {
    const { channel, shown } = wire();
    const clock = new ManualClock();
    const notifiers = notifiersFor(newConfig(), clock, { KEEPSAKE_SHELL: '1' }, () => channel);
    const center = new NotificationCenter(
      clock,
      notifiers.filter((x) => x.name === 'desktop'),
    );
    for (let i = 0; i < 5; i++) {
      center.destinationHealth({
        destination: 'NAS',
        state: 'down',
        reason: 'unplugged',
        since: clock.now(),
      });
      await center.tick();
      clock.advance(10_000);
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(shown).toHaveLength(1);
    expect(shown[0]!.options).toMatchObject({ title: 'Backup destination "NAS" is down' });
    expect(shown[0]!.n.show).toHaveBeenCalledTimes(1);
  });
});
