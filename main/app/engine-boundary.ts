// The shell's only door into main/engine (the lint rule in docs/DESKTOP.md keeps it so): the few plain
// Node pieces of the engine the main process uses in-process. The engine itself runs in its own
// process, started from its CLI by engine-host.ts.
export { defaultHome } from '../engine/config/home.js';
export { NotifyError, type Notifier } from '../engine/notify/notifier.js';
