// The desktop app's main process: the composition root. It starts the engine in a utility process,
// shows the engine's UI in one locked-down window, keeps a tray icon that follows the engine, and on
// quit stops the engine cleanly. Each concern lives in its own module; this file only wires them.
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  safeStorage,
  session,
  shell,
  Tray,
  utilityProcess,
  type OpenDialogOptions,
} from 'electron';
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { appIconPng } from './app-icon.js';
import { authorizeSession } from './connection.js';
import { CredentialVault } from './credential-vault.js';
import { EngineClient } from './engine-client.js';
import { defaultHome } from './engine-boundary.js';
import { parseEngineMessage } from './engine-messages.js';
import { EngineProcess } from './engine-process.js';
import { registerDesktopIpc } from './ipc.js';
import { claimSingleInstance, quitCleanly } from './lifecycle.js';
import { launchedHidden, LoginItem } from './login-item.js';
import { DesktopNotifier } from './notifications.js';
import { pauseDeadline, PauseController } from './pause.js';
import { shellPaths } from './paths.js';
import { guardContents, guardSession } from './security.js';
import { StatusFeed } from './status-feed.js';
import { TrayController } from './tray.js';
import { MainWindow } from './window.js';

const APP_ID = 'app.keepsake.desktop';

// Chromium's own data (cache, cookies, single-instance lock) in a folder of its own, never mixed into
// the engine's home (which on macOS and Windows would otherwise be the same folder).
app.setName('Keepsake');
app.setPath('userData', join(app.getPath('appData'), 'Keepsake Desktop'));

let window: MainWindow<BrowserWindow> | undefined;
if (claimSingleInstance(app, () => window?.show())) {
  void app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      dialog.showErrorBox('Keepsake could not start', (err as Error).stack ?? String(err));
      app.exit(1);
    });
}

/** The engine's log: ~/Library/Logs/Keepsake/engine.log on macOS, <userData>/logs elsewhere; rotated at 5 MB. */
function engineLog(): (line: string) => void {
  const dir = app.getPath('logs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'engine.log');
  if (existsSync(file) && statSync(file).size > 5 * 1024 * 1024) renameSync(file, `${file}.1`);
  const out = createWriteStream(file, { flags: 'a', mode: 0o600 });
  return (line) => out.write(`${new Date().toISOString()} ${line}\n`);
}

/** The engine's environment: the app's, without what would change how its Node runs. */
function engineEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.NODE_OPTIONS;
  return env;
}

async function start(): Promise<void> {
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  const hidden = launchedHidden(
    process.argv,
    process.platform,
    () => app.getLoginItemSettings().wasOpenedAtLogin,
  );

  // Fences around every web page the app ever shows.
  guardSession(session.defaultSession);
  let engineOrigin: string | undefined;
  app.on('web-contents-created', (_event, contents) =>
    guardContents(
      contents,
      () => engineOrigin,
      (url) => shell.openExternal(url),
    ),
  );

  const vault = new CredentialVault(safeStorage, defaultHome());
  const engine = new EngineProcess({
    fork: (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
    hostPath: shellPaths.engineHost,
    cliPath: shellPaths.engineCli,
    env: engineEnv(),
    log: engineLog(),
    handover: () => {
      const message = vault.available() && vault.hasSealed() ? vault.handover() : undefined;
      return message ? { env: { KEEPSAKE_CREDENTIALS_FROM: 'parent' }, message } : undefined;
    },
  });
  const client = () => {
    const conn = engine.connection;
    if (!conn) throw new Error('the engine is not running (it may be restarting)');
    return new EngineClient(conn);
  };

  const isQuitting = quitCleanly(
    app,
    async () => {
      feed.stop();
      pause.dispose();
      await engine.stop();
      tray.destroy();
    },
    powerMonitor,
  );
  const mainWindow = new MainWindow({
    createWindow: (options) => new BrowserWindow(options),
    preload: shellPaths.preload,
    devTools: !app.isPackaged,
    ...(process.platform === 'darwin' ? {} : { icon: nativeImage.createFromBuffer(appIconPng(256)) }),
    engineOrigin: () => engineOrigin,
    openExternal: (url) => shell.openExternal(url),
    isQuitting,
  });
  window = mainWindow;

  const pause = new PauseController({
    setPaused: (paused) => client().setPaused(paused),
    now: () => Date.now(),
    onChange: () => tray.render(),
  });
  const tray = new TrayController(
    {
      createTray: (icon) => new Tray(icon),
      buildMenu: (template) => Menu.buildFromTemplate(template),
      createImage: (png1x, png2x) => {
        const image = nativeImage.createFromBuffer(png1x, { scaleFactor: 1 });
        image.addRepresentation({ scaleFactor: 2, buffer: png2x });
        return image;
      },
    },
    {
      open: () => mainWindow.show(),
      protectNow: () => client().backupNow(),
      pause: (choice) => pause.pause(pauseDeadline(choice, new Date()).getTime()),
      resume: () => pause.resume(),
      quit: () => app.quit(),
      failed: (what, err) => dialog.showErrorBox(`${what} did not work`, (err as Error).message),
    },
    pause,
  );
  const feed = new StatusFeed((status) => tray.setStatus(status));
  powerMonitor.on('resume', () => void pause.tick().catch(() => undefined)); // a pause that ended during sleep

  const loginItem = new LoginItem({
    platform: process.platform,
    executable: process.env.APPIMAGE ?? process.execPath,
    appArgs: app.isPackaged ? [] : [app.getAppPath()],
    getLoginItemSettings: (options) => app.getLoginItemSettings(options),
    setLoginItemSettings: (settings) => app.setLoginItemSettings(settings),
    autostartDir: join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'autostart'),
  });
  registerDesktopIpc(
    ipcMain,
    {
      pickFolder: async () => {
        const options: OpenDialogOptions = {
          title: 'Choose a folder',
          properties: ['openDirectory', 'createDirectory'],
        };
        const win = mainWindow.handle;
        const result = await (win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options));
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
      revealInFileManager: (path) => shell.showItemInFolder(path),
      appVersion: () => app.getVersion(),
      getOpenAtLogin: () => loginItem.get(),
      setOpenAtLogin: (open) => loginItem.set(open),
    },
    {
      engineOrigin: () => engineOrigin,
      webContents: () => mainWindow.handle?.webContents,
    },
  );

  const notifier = new DesktopNotifier(
    { isSupported: () => Notification.isSupported(), create: (options) => new Notification(options) },
    () => mainWindow.show(),
  );
  let shownOnce = hidden;
  engine.on('ready', (conn) => {
    engineOrigin = conn.origin;
    tray.setEngine(true);
    feed.follow(conn);
    void pause.reapply().catch(() => undefined);
    void authorizeSession(session.defaultSession.cookies, conn)
      .then(() => mainWindow.load(conn.url))
      .then(() => {
        if (!shownOnce) mainWindow.show();
        shownOnce = true;
      })
      .catch((err: unknown) => dialog.showErrorBox('Keepsake could not open its window', String(err)));
  });
  engine.on('exit', () => {
    engineOrigin = undefined;
    feed.stop();
    tray.setEngine(false);
  });
  engine.on('failed', (err) => {
    engineOrigin = undefined;
    feed.stop();
    tray.setEngine(false, err.message);
    dialog.showErrorBox(
      'Keepsake stopped backing up',
      `${err.message}\n\nDetails are in ${join(app.getPath('logs'), 'engine.log')}.`,
    );
  });
  engine.on('message', (raw) => {
    const message = parseEngineMessage(raw);
    if (message?.type === 'keepsake:notification')
      void notifier.notify(message.notification).catch(() => undefined);
    if (message?.type === 'keepsake:credentials-changed' && vault.available()) vault.store(message.content);
  });

  await engine.start().catch((err: unknown) => engine.emit('failed', err as never));
}
