import type { DestinationConfig } from '../config/schema.js';
import type { Destination } from './destination.js';
import { LocalDestination } from './local/local.js';

/** Builds the provider's Destination for one configured destination (unwrapped). */
export function createDestination(cfg: DestinationConfig): Destination {
  switch (cfg.kind) {
    case 'local':
      return new LocalDestination(cfg.name, cfg.path);
  }
}

/** Where a destination stores, for status output; never includes credentials. */
export function describeLocation(cfg: DestinationConfig): string {
  switch (cfg.kind) {
    case 'local':
      return cfg.path;
  }
}
