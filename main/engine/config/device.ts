import { hostname } from 'node:os';
import type { Config } from './schema.js';

/** This installation as a device of a shared repository: its stable id and the name people see. */
export interface Device {
  id: string;
  name: string;
}

/** The device of a config: the install id, and the configured name or else the computer's host name. */
export function deviceOf(config: Pick<Config, 'installId' | 'deviceName'>): Device {
  return { id: config.installId, name: config.deviceName ?? hostname() };
}
