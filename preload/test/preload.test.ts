import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DESKTOP_CHANNELS, desktopApi, type KeepsakeDesktopApi } from '../../shared/api/desktop.js';

// Electron replaced at the module boundary: contextBridge and ipcRenderer record what they are given.
const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(async (..._args: unknown[]) => 'answer') },
}));
vi.mock('electron', () => electron);

const preloadDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const methods = Object.keys(DESKTOP_CHANNELS).sort();

/** Checks what was handed to contextBridge; returns the exposed API. */
function exposedApi(calls: unknown[][]): KeepsakeDesktopApi {
  expect(calls).toHaveLength(1);
  const [key, api] = calls[0]!;
  expect(key).toBe('keepsake');
  expect(Object.keys(api as object).sort()).toEqual(methods);
  return api as KeepsakeDesktopApi;
}

/** Calls every method; returns the (channel, ...args) each one invoked. */
async function invocations(api: KeepsakeDesktopApi, invoke: ReturnType<typeof vi.fn>): Promise<unknown[][]> {
  invoke.mockClear();
  await api.pickFolder();
  await api.revealInFileManager('/Users/ana/Weddings/2026-06-14 Smith');
  await api.appVersion();
  await api.getOpenAtLogin();
  await api.setOpenAtLogin(true);
  return invoke.mock.calls;
}

const expectedInvocations = [
  [DESKTOP_CHANNELS.pickFolder],
  [DESKTOP_CHANNELS.revealInFileManager, '/Users/ana/Weddings/2026-06-14 Smith'],
  [DESKTOP_CHANNELS.appVersion],
  [DESKTOP_CHANNELS.getOpenAtLogin],
  [DESKTOP_CHANNELS.setOpenAtLogin, true],
];

describe('preload', () => {
  beforeEach(() => {
    vi.resetModules();
    electron.contextBridge.exposeInMainWorld.mockClear();
  });

  it('exposes exactly the desktop API as window.keepsake, each method one invoke on its channel', async () => {
    await import('../preload.js');
    const api = exposedApi(electron.contextBridge.exposeInMainWorld.mock.calls);
    expect(Object.isFrozen(api)).toBe(true);
    expect(await invocations(api, electron.ipcRenderer.invoke)).toEqual(expectedInvocations);
    // Extra arguments from the page are not forwarded.
    electron.ipcRenderer.invoke.mockClear();
    await (api.setOpenAtLogin as (...a: unknown[]) => Promise<void>)(false, { evil: true });
    expect(electron.ipcRenderer.invoke.mock.calls).toEqual([[DESKTOP_CHANNELS.setOpenAtLogin, false]]);
    // What the UI's feature detection sees.
    expect(desktopApi({ keepsake: api })).toBe(api);
    expect(desktopApi({})).toBeUndefined();
    expect(desktopApi({ keepsake: { pickFolder: () => null } })).toBeUndefined();
  });

  describe("as built, in a sandbox like Electron's", () => {
    const out = mkdtempSync(join(tmpdir(), 'keepsake-preload-'));
    afterAll(() => rmSync(out, { recursive: true, force: true }));

    it('compiles to a script that only requires electron and exposes the same API', async () => {
      // The real build: preload/tsconfig.build.json, emitted to a temp folder.
      const configPath = join(preloadDir, 'tsconfig.build.json');
      const config = ts.getParsedCommandLineOfConfigFile(
        configPath,
        { outDir: out },
        {
          ...ts.sys,
          onUnRecoverableConfigFileDiagnostic: (d) => {
            throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
          },
        },
      )!;
      const program = ts.createProgram(config.fileNames, config.options);
      const result = program.emit();
      const errors = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics].map((d) =>
        ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      );
      expect(errors).toEqual([]);
      const source = readFileSync(join(out, 'preload', 'preload.js'), 'utf8');

      // Electron runs sandboxed preloads as the body of a function of these parameters, where
      // `require` knows only a few modules (lib/sandboxed_renderer in Electron's source).
      const required: string[] = [];
      const contextBridge = { exposeInMainWorld: vi.fn() };
      const ipcRenderer = { invoke: vi.fn(async () => 'answer') };
      const sandboxRequire = (name: string) => {
        required.push(name);
        if (name === 'electron') return { contextBridge, ipcRenderer };
        throw new Error(`module not found: ${name}`);
      };
      const exports = {};
      new Function('require', 'process', 'exports', 'module', source)(sandboxRequire, {}, exports, {
        exports,
      });
      expect(required).toEqual(['electron']);
      const api = exposedApi(contextBridge.exposeInMainWorld.mock.calls);
      expect(await invocations(api, ipcRenderer.invoke)).toEqual(expectedInvocations);
    });
  });
});
