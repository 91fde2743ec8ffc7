import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { CSP as ENGINE_CSP } from '../engine/api/static.js';
import {
  guardContents,
  guardSession,
  isEngineUrl,
  isWebLink,
  originOf,
  secureWebPreferences,
  SHELL_CSP,
  withShellCsp,
  type GuardedSession,
  type ResponseHeaders,
} from './security.js';
import { FakeContents } from './testing/fakes.js';

const ENGINE = 'http://127.0.0.1:50123';

function guarded(origin: () => string | undefined = () => ENGINE) {
  const contents = new FakeContents();
  const openExternal = vi.fn(async (_url: string) => undefined);
  guardContents(contents, origin, openExternal);
  return { contents, openExternal };
}

describe('window security', () => {
  it('sets every security switch explicitly', () => {
    const prefs = secureWebPreferences({ preload: '/app/preload.js', devTools: false });
    expect(prefs).toMatchObject({
      preload: '/app/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      devTools: false,
    });
  });

  it('knows the engine origin from everything else', () => {
    expect(originOf(`${ENGINE}/weddings/3?x=1`)).toBe(ENGINE);
    expect(originOf('file:///etc/passwd')).toBeNull();
    expect(originOf('not a url')).toBeNull();
    expect(isEngineUrl(`${ENGINE}/`, ENGINE)).toBe(true);
    expect(isEngineUrl('http://127.0.0.1:50124/', ENGINE)).toBe(false);
    expect(isEngineUrl('http://localhost:50123/', ENGINE)).toBe(false);
    expect(isEngineUrl('https://127.0.0.1:50123/', ENGINE)).toBe(false);
    expect(isEngineUrl(`${ENGINE}/`, undefined)).toBe(false);
    expect(isWebLink('https://keepsake.app/help')).toBe(true);
    for (const url of ['file:///Users', 'smb://nas/share', 'javascript:alert(1)', 'ms-settings:', 'x'])
      expect(isWebLink(url)).toBe(false);
  });

  it('lets the window navigate within the engine origin only; web links go to the browser', () => {
    const { contents, openExternal } = guarded();
    expect(contents.navigate('will-navigate', `${ENGINE}/weddings/2`)).toBe(false);
    expect(contents.navigate('will-navigate', 'https://evil.example/phish')).toBe(true);
    expect(contents.navigate('will-navigate', 'file:///Users/ana/.ssh/id_rsa')).toBe(true);
    expect(contents.navigate('will-navigate', 'http://127.0.0.1:9999/')).toBe(true);
    expect(openExternal.mock.calls).toEqual([['https://evil.example/phish'], ['http://127.0.0.1:9999/']]);
  });

  it('stops redirects and frame navigations that leave the engine origin', () => {
    const { contents, openExternal } = guarded();
    expect(contents.navigate('will-redirect', `${ENGINE}/`)).toBe(false);
    expect(contents.navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.navigate('will-frame-navigate', 'https://evil.example/', false)).toBe(true);
    expect(contents.navigate('will-frame-navigate', `${ENGINE}/x`, false)).toBe(false);
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('blocks every navigation while the engine is down', () => {
    const { contents } = guarded(() => undefined);
    expect(contents.navigate('will-navigate', `${ENGINE}/`)).toBe(true);
  });

  it('denies every new window; only http(s) links open, in the system browser', () => {
    const { contents, openExternal } = guarded();
    for (const url of ['https://keepsake.app/help', 'file:///etc/hosts', 'javascript:1', `${ENGINE}/popup`])
      expect(contents.openHandler!({ url })).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://keepsake.app/help']]);
  });

  it('guards a WebContents once, however often it is handed over', () => {
    const contents = new FakeContents();
    const openExternal = vi.fn(async (_url: string) => undefined);
    guardContents(contents, () => ENGINE, openExternal);
    guardContents(contents, () => ENGINE, openExternal);
    expect(contents.listenerCount('will-navigate')).toBe(1);
    contents.navigate('will-navigate', 'https://example.com/');
    expect(openExternal).toHaveBeenCalledOnce();
  });

  it('refuses to attach <webview>', () => {
    const { contents } = guarded();
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event);
    expect(event.preventDefault).toHaveBeenCalled();
  });
});

describe('session security', () => {
  function guardedSession() {
    const handlers: {
      request?: (c: unknown, p: string, cb: (granted: boolean) => void) => void;
      check?: (...a: unknown[]) => boolean;
      device?: (...a: unknown[]) => boolean;
      headers?: (
        d: { url: string; responseHeaders?: ResponseHeaders },
        cb: (r: { responseHeaders?: ResponseHeaders }) => void,
      ) => void;
    } = {};
    const session: GuardedSession = {
      setPermissionRequestHandler: (h) => (handlers.request = h),
      setPermissionCheckHandler: (h) => (handlers.check = h),
      setDevicePermissionHandler: (h) => (handlers.device = h),
      webRequest: { onHeadersReceived: (l) => (handlers.headers = l) },
    };
    guardSession(session);
    return handlers;
  }

  it('denies every permission request and check', () => {
    const h = guardedSession();
    const permissions = [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fileSystem',
    ];
    for (const permission of permissions) {
      const callback = vi.fn();
      h.request!(new EventEmitter(), permission, callback);
      expect(callback.mock.calls).toEqual([[false]]);
      expect(h.check!(null, permission, ENGINE, {})).toBe(false);
    }
    expect(h.device!({ deviceType: 'usb', origin: ENGINE })).toBe(false);
  });

  it("adds the shell's CSP to every response, keeping the engine's", () => {
    const h = guardedSession();
    const seen: (ResponseHeaders | undefined)[] = [];
    h.headers!({ url: `${ENGINE}/`, responseHeaders: { 'Content-Security-Policy': [ENGINE_CSP] } }, (r) =>
      seen.push(r.responseHeaders),
    );
    h.headers!({ url: `${ENGINE}/app.js` }, (r) => seen.push(r.responseHeaders));
    expect(seen[0]).toEqual({ 'Content-Security-Policy': [ENGINE_CSP, SHELL_CSP] });
    expect(seen[1]).toEqual({ 'Content-Security-Policy': [SHELL_CSP] });
    expect(withShellCsp({ 'content-security-policy': ['a'], 'X-Other': ['b'] })).toEqual({
      'content-security-policy': ['a', SHELL_CSP],
      'X-Other': ['b'],
    });
  });

  it("is the engine server's strict policy", () => {
    expect(SHELL_CSP).toBe(ENGINE_CSP);
    expect(SHELL_CSP).not.toMatch(/unsafe-(inline|eval)/);
  });
});
