import { describe, expect, it, vi } from 'vitest';
import { DESKTOP_CHANNELS } from '../../shared/api/desktop.js';
import {
  IpcRefused,
  isTrustedSender,
  registerDesktopIpc,
  type DesktopServices,
  type InvokeEvent,
  type IpcHandlers,
} from './ipc.js';

const ENGINE = 'http://127.0.0.1:50123';
const ownContents = { id: 1 };

function setup(origin: () => string | undefined = () => ENGINE) {
  const handlers = new Map<string, (event: InvokeEvent, ...args: unknown[]) => unknown>();
  const ipc: IpcHandlers = {
    handle: (channel, listener) => handlers.set(channel, listener),
    removeHandler: (channel) => handlers.delete(channel),
  };
  const services = {
    pickFolder: vi.fn(async () => '/Users/ana/Weddings'),
    revealInFileManager: vi.fn(),
    appVersion: vi.fn(() => '0.1.0'),
    getOpenAtLogin: vi.fn(() => true),
    setOpenAtLogin: vi.fn(),
  } satisfies DesktopServices;
  const unregister = registerDesktopIpc(ipc, services, {
    engineOrigin: origin,
    webContents: () => ownContents,
  });
  const invoke = (channel: string, event: InvokeEvent, ...args: unknown[]) =>
    Promise.resolve().then(() => handlers.get(channel)!(event, ...args));
  return { handlers, services, invoke, unregister };
}

/** An invoke from the app's own window, main frame, at `url`. */
const fromWindow = (url = `${ENGINE}/settings`): InvokeEvent => ({
  sender: ownContents,
  senderFrame: { url, parent: null },
});

describe('IPC', () => {
  it('registers one handler per desktop API channel, and removes them', () => {
    const { handlers, unregister } = setup();
    expect([...handlers.keys()].sort()).toEqual(Object.values(DESKTOP_CHANNELS).sort());
    unregister();
    expect(handlers.size).toBe(0);
  });

  it("answers the app's own window, main frame, on the engine's origin", async () => {
    const { invoke, services } = setup();
    expect(await invoke(DESKTOP_CHANNELS.pickFolder, fromWindow())).toBe('/Users/ana/Weddings');
    expect(await invoke(DESKTOP_CHANNELS.appVersion, fromWindow())).toBe('0.1.0');
    expect(await invoke(DESKTOP_CHANNELS.getOpenAtLogin, fromWindow())).toBe(true);
    await invoke(DESKTOP_CHANNELS.setOpenAtLogin, fromWindow(), false);
    await invoke(DESKTOP_CHANNELS.revealInFileManager, fromWindow(), '/Users/ana/Weddings/Smith');
    expect(services.setOpenAtLogin.mock.calls).toEqual([[false]]);
    expect(services.revealInFileManager.mock.calls).toEqual([['/Users/ana/Weddings/Smith']]);
  });

  it('refuses any other sender before looking at its arguments', async () => {
    const { invoke, services } = setup();
    const strangers: InvokeEvent[] = [
      fromWindow('https://evil.example/'), // navigated away
      fromWindow('http://127.0.0.1:50124/'), // another local server
      fromWindow('file:///Users/ana/page.html'),
      { sender: ownContents, senderFrame: { url: `${ENGINE}/`, parent: {} } }, // an iframe
      { sender: ownContents, senderFrame: null }, // frame gone
      { sender: { id: 2 }, senderFrame: { url: `${ENGINE}/`, parent: null } }, // another webContents
    ];
    for (const event of strangers) {
      expect(isTrustedSender(event, { engineOrigin: () => ENGINE, webContents: () => ownContents })).toBe(
        false,
      );
      await expect(invoke(DESKTOP_CHANNELS.setOpenAtLogin, event, true)).rejects.toThrow(IpcRefused);
      await expect(invoke(DESKTOP_CHANNELS.pickFolder, event)).rejects.toThrow(/not Keepsake's window/);
    }
    expect(services.setOpenAtLogin).not.toHaveBeenCalled();
    expect(services.pickFolder).not.toHaveBeenCalled();
  });

  it('refuses everyone while the engine is down', async () => {
    const { invoke } = setup(() => undefined);
    await expect(invoke(DESKTOP_CHANNELS.appVersion, fromWindow())).rejects.toThrow(IpcRefused);
  });

  it('validates every payload: exact argument count and types, local absolute paths only', async () => {
    const { invoke, services } = setup();
    const bad: [string, unknown[]][] = [
      [DESKTOP_CHANNELS.setOpenAtLogin, []],
      [DESKTOP_CHANNELS.setOpenAtLogin, ['yes']],
      [DESKTOP_CHANNELS.setOpenAtLogin, [1]],
      [DESKTOP_CHANNELS.setOpenAtLogin, [true, 'extra']],
      [DESKTOP_CHANNELS.pickFolder, [{ defaultPath: '/' }]],
      [DESKTOP_CHANNELS.appVersion, ['x']],
      [DESKTOP_CHANNELS.revealInFileManager, []],
      [DESKTOP_CHANNELS.revealInFileManager, [42]],
      [DESKTOP_CHANNELS.revealInFileManager, ['relative/path']],
      [DESKTOP_CHANNELS.revealInFileManager, ['']],
      [DESKTOP_CHANNELS.revealInFileManager, ['/Users/ana\0/x']],
      [DESKTOP_CHANNELS.revealInFileManager, ['//attacker.example/share/x']],
      [DESKTOP_CHANNELS.revealInFileManager, ['\\\\attacker.example\\share\\x']],
      [DESKTOP_CHANNELS.revealInFileManager, [`/${'a'.repeat(5000)}`]],
      [DESKTOP_CHANNELS.revealInFileManager, ['/Users/ana', '/etc']],
    ];
    for (const [channel, args] of bad)
      await expect(
        invoke(channel, fromWindow(), ...args),
        `${channel} ${JSON.stringify(args)}`,
      ).rejects.toThrow(/invalid arguments/);
    expect(services.setOpenAtLogin).not.toHaveBeenCalled();
    expect(services.revealInFileManager).not.toHaveBeenCalled();
    expect(services.pickFolder).not.toHaveBeenCalled();
  });
});
