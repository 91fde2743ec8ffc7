// The shell's only door into main/engine (the lint rule in docs/DESKTOP.md keeps it so): the few plain
// Node pieces of the engine the main process uses in-process. The engine itself runs in its own
// process, started from its CLI by engine-host.ts.
export { defaultHome } from '../engine/config/home.js';
export { CREDENTIALS_FILE, secretSchema } from '../engine/config/credentials.js';
export { FileKeyCache, KEYS_DIR } from '../engine/config/key-cache.js';
export { NotifyError, type Notifier } from '../engine/notify/notifier.js';
export {
  claimedId,
  hasType,
  NOTIFICATION_MESSAGE,
  SECRET_REQUEST,
  SECRET_RESPONSE,
  SECRETS_ENV,
  SHELL_ENV,
  secretRequestSchema,
  type SecretRequest,
  type SecretResponse,
} from '../engine/secrets/protocol.js';
export { encodeCachedKey } from '../engine/secrets/secret-key-cache.js';
export { credentialSecretName, keySecretName, SECRET_NAME } from '../engine/secrets/secret-store.js';
