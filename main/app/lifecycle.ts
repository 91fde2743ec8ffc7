/** The parts of Electron's `app` the lifecycle uses. */
export interface LifecycleApp {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance' | 'activate' | 'window-all-closed', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/**
 * The parts of Electron's `powerMonitor` the lifecycle uses: `shutdown` (macOS and Linux), whose event
 * can delay the system's shutdown until the app quits (Electron's typings omit the event argument).
 */
export interface ShutdownSource {
  on(event: 'shutdown', listener: (event?: { preventDefault(): void }) => void): unknown;
}

/**
 * One Keepsake per user: a second launch hands over to the first, which shows its window. Returns
 * false in the second instance, which then quits.
 */
export function claimSingleInstance(app: LifecycleApp, showWindow: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', showWindow);
  app.on('activate', showWindow); // macOS: the Dock icon clicked
  app.on('window-all-closed', () => undefined); // keep running in the tray
  return true;
}

/**
 * Quits only after the engine stopped cleanly: the first quit request (menu, tray, Cmd-Q, system
 * shutdown) is held while `shutdown()` stops the engine (which finishes in-flight work and checkpoints,
 * or is killed after its timeout), then the app quits for real. Returns `isQuitting()`.
 */
export function quitCleanly(
  app: LifecycleApp,
  shutdown: () => Promise<unknown>,
  power?: ShutdownSource,
): () => boolean {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  const hold = (event: { preventDefault(): void }) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    void shutdown()
      .catch(() => undefined)
      .finally(() => {
        state = 'stopped';
        app.quit();
      });
  };
  app.on('before-quit', hold);
  power?.on('shutdown', (event) => hold(event ?? { preventDefault: () => undefined }));
  return () => state !== 'running';
}
