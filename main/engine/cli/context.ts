import { resolve } from 'node:path';
import { defaultHome } from '../config/home.js';
import { Engine } from '../engine.js';

/** Options every command takes. */
export interface GlobalOptions {
  home?: string;
  json?: boolean;
}

export function homeOf(opts: GlobalOptions): string {
  return resolve(opts.home ?? defaultHome());
}

/** Opens the engine for a command and always closes it (releasing the home's lock). */
export async function withEngine<T>(opts: GlobalOptions, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = Engine.open({ home: homeOf(opts) });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}
