import type { Command } from 'commander';
import { ConfigError, loadConfig, saveConfig } from '../config/config-file.js';
import { deviceOf } from '../config/device.js';
import { homeOf, type GlobalOptions } from './context.js';
import { printJson } from './output.js';

/** `keepsake device [--name NAME]`: this laptop's id and name in repositories shared with other laptops. */
export function registerDevice(program: Command): void {
  program
    .command('device')
    .description("this laptop's id and name in destinations shared with other laptops (--name to change it)")
    .option('--name <name>', 'the name other laptops and `keepsake studio` show, e.g. "Anna second shooter"')
    .action((opts: { name?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const home = homeOf(g);
      const config = loadConfig(home);
      if (!config) throw new ConfigError(`${home} has no Keepsake config yet: run \`keepsake init\` first.`);
      let next = config;
      if (opts.name !== undefined) {
        const name = opts.name.trim();
        if (name.length === 0 || name.length > 64)
          throw new ConfigError('--name: give a name of 1 to 64 characters.');
        next = { ...config, deviceName: name };
        saveConfig(home, next);
      }
      const device = deviceOf(next);
      if (g.json) return printJson(device);
      console.log(`This laptop is "${device.name}" (device id ${device.id}).`);
      if (opts.name !== undefined)
        console.log('Its next snapshots carry the new name; the ones already stored keep the old one.');
    });
}
