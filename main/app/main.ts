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
import { EngineClient } from './engine-client.js';
import { defaultHome, SECRETS_ENV, SHELL_ENV } from './engine-boundary.js';
import { engineInbox } from './engine-inbox.js';
import { EngineProcess } from './engine-process.js';
import { registerDesktopIpc } from './ipc.js';
import { claimSingleInstance, quitCleanly } from './lifecycle.js';
import { launchedHidden, LoginItem } from './login-item.js';
import { DesktopNotifier } from './notifications.js';
import { pauseDeadline, PauseController } from './pause.js';
import { shellPaths } from './paths.js';
import { migratePlaintextSecrets, plaintextSecretsExist } from './secret-migration.js';
import { SecretServer } from './secret-server.js';
import { guardContents, guardSession } from './security.js';
import { StatusFeed } from './status-feed.js';
import { KeychainVault } from './keychain-vault.js';
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

  // Cloud credentials and repository keys: in the OS keychain (the vault), never in plain files, when
  // it works. Plain files the headless engine wrote are moved in first; without a keychain they stay
  // as the headless engine keeps them (owner-only), and the user is told so (docs/DESKTOP.md).
  const home = defaultHome();
  const log = engineLog();
  const vault = KeychainVault.forHome(safeStorage, app.getPath('userData'), home);
  const keychain = vault.available();
  const migrate = async () => {
    const r = await migratePlaintextSecrets(home, vault).catch((err: unknown) => ({
      moved: [],
      problems: [`moving secrets into the system keychain failed: ${(err as Error).message}`],
    }));
    if (r.moved.length > 0) log(`shell: moved ${r.moved.join(', ')} into the system keychain`);
    for (const p of r.problems) log(`shell: ${p}`);
    return r;
  };
  if (keychain) {
    const r = await migrate();
    if (r.problems.length > 0)
      void dialog.showMessageBox({
        type: 'warning',
        message: 'Some secrets were not moved into the system keychain',
        detail: r.problems.join('\n\n'),
      });
  } else {
    const sealed = (() => {
      try {
        return vault.names().length > 0;
      } catch {
        return false;
      }
    })();
    const why = `Keepsake cannot use the system keychain: ${vault.unavailableReason()}.`;
    log(`shell: ${why} Secrets stay in owner-only files in ${home}.`);
    if (plaintextSecretsExist(home) || sealed)
      void dialog.showMessageBox({
        type: 'warning',
        message: 'Your cloud keys are not in the system keychain',
        detail: sealed
          ? `${why} The cloud keys and backup key kept there cannot be read until it works again.`
          : `${why} Your cloud keys and backup key stay in files in ${home} that only your user account can read, as with the command-line agent.`,
      });
  }
  const engine = new EngineProcess({
    fork: (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
    hostPath: shellPaths.engineHost,
    cliPath: shellPaths.engineCli,
    env: engineEnv(),
    log,
    handover: () => ({ env: { [SHELL_ENV]: '1', ...(keychain ? { [SECRETS_ENV]: 'shell' } : {}) } }),
  });
  const secrets = keychain
    ? new SecretServer({
        vault,
        post: (m) => engine.post(m),
        onMiss: migrate,
        log: (l) => log(`shell: ${l}`),
      })
    : undefined;
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
  engine.on(
    'message',
    engineInbox({
      ...(secrets ? { secrets } : {}),
      notify: (notification) => void notifier.notify(notification).catch(() => undefined),
      log: (l) => log(`shell: ${l}`),
    }),
  );

  await engine.start().catch((err: unknown) => engine.emit('failed', err as never));
}
