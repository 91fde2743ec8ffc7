import { Option, type Command } from 'commander';
import type { Wedding } from '../../../shared/model/wedding.js';
import { ConfigError, saveConfig } from '../config/config-file.js';
import type { Config } from '../config/schema.js';
import type { Engine } from '../engine.js';
import { describeRule, type Policies } from '../policy/index.js';
import {
  applyChange,
  changeWeddingSettings,
  policyReport,
  type PolicyReport,
} from '../protection/wedding-settings.js';
import type { WeddingSettings } from '../store/weddings.js';
import { requireConfig } from './cmd-folders.js';
import { withEngine, type GlobalOptions } from './context.js';
import { printJson, table } from './output.js';

/** What `keepsake policy --json` prints: the mode, the configured policies and every wedding's policy. */
export interface PolicyListing {
  mode: Config['protection']['copies'];
  policies: Policies;
  weddings: (PolicyReport & { wedding: Wedding | null })[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The configured mode in one sentence. */
export function describeMode(mode: Config['protection']['copies']): string {
  if (mode === 'policy')
    return "Protection mode: policy. Each wedding's protection policy decides how many copies it needs and where.";
  const what =
    mode === 'all'
      ? 'a copy on every enabled destination'
      : `a copy everywhere, protected at ${plural(mode, 'copy', 'copies')}`;
  return (
    `Protection mode: ${mode} (${what}). Protection policies then only set each wedding's priority and region; ` +
    '`keepsake policy mode policy` lets them decide the copies.'
  );
}

/** The three policies with when they apply and what they need. */
export function renderPolicies(p: Policies): string {
  const when: Record<keyof Policies, string> = {
    critical: `${plural(p.critical.daysBefore, 'day')} before the wedding to ${plural(p.critical.daysAfter, 'day')} after, or files ingested today`,
    standard: 'every other wedding',
    archive: `delivered weddings, and weddings ${plural(p.archive.afterDays, 'day')} old or more`,
  };
  return table([
    ['POLICY', 'APPLIES TO', 'NEEDS'],
    ...(['critical', 'standard', 'archive'] as const).map((k) => [
      k,
      when[k],
      describeRule(p[k]) + (k === 'critical' ? ', before other work' : ''),
    ]),
  ]);
}

/** The settings a photographer gave a wedding, in a few words; empty when it has none. */
export function describeSettings(s: WeddingSettings): string {
  const parts: string[] = [];
  if (s.override?.policy) parts.push(`policy set to ${s.override.policy}`);
  if (s.override?.copies !== undefined) parts.push(`copies set to ${s.override.copies}`);
  if (s.delivered) parts.push('delivered');
  if (s.residency) parts.push(`only in ${s.residency}`);
  return parts.join(', ');
}

/** One wedding's policy as a short block of lines. */
export function renderWeddingPolicy(r: PolicyReport, wedding: Wedding | null): string[] {
  const name = wedding ? `${wedding.slug} (${wedding.couple})` : 'Unassigned files';
  const below =
    r.belowTarget > 0
      ? `${r.belowTarget} of ${plural(r.files, 'file')} below target`
      : `${plural(r.files, 'file')}, all at target`;
  const lines = [
    `${name}: ${r.policy.name}, ${r.files === 0 ? 'no files yet' : below}`,
    `  why: ${r.policy.why}`,
  ];
  const settings = describeSettings(r.settings);
  if (settings) lines.push(`  settings: ${settings}`);
  if (r.shortfall) lines.push(`  cannot be met now: ${r.shortfall}`);
  return lines;
}

function listing(engine: Engine): PolicyListing {
  const coverage = engine.coverage();
  const weddings: PolicyListing['weddings'] = engine.store.weddings
    .list()
    .map((w) => ({ ...policyReport(engine, w.id, coverage), wedding: w }));
  const unassigned = engine.store.status.forWedding(null);
  if (unassigned.files > 0) weddings.push({ ...policyReport(engine, null, coverage), wedding: null });
  return { mode: engine.config.protection.copies, policies: engine.config.policies, weddings };
}

/** `--copies N|auto` as the change takes it. */
function copiesOf(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'auto') return null;
  if (!/^\d+$/.test(value))
    throw new ConfigError(`--copies: expected a number of copies or "auto", got "${value}".`);
  return Number(value);
}

/** `protection.copies` from `policy`, `all` or a number. */
function modeOf(value: string): Config['protection']['copies'] {
  if (value === 'policy' || value === 'all') return value;
  if (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 10) return Number(value);
  throw new ConfigError(
    `policy mode: expected "policy", "all" or a number of copies from 1 to 10, got "${value}".`,
  );
}

interface SetOptions {
  policy?: 'critical' | 'standard' | 'archive' | 'auto';
  copies?: string;
  delivered?: boolean;
  notDelivered?: boolean;
  residency?: string | false;
}

/** `keepsake policy [--json]`, `keepsake policy set <wedding>` and `keepsake policy mode`. */
export function registerPolicy(program: Command): void {
  const policy = program
    .command('policy')
    .description("protection policies: what each needs, and each wedding's policy and why")
    .action(async (_opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(g, async (engine) => {
        const l = listing(engine);
        if (g.json) return printJson(l);
        const out = [describeMode(l.mode), '', renderPolicies(l.policies), ''];
        if (l.weddings.length === 0) out.push('No weddings yet.');
        else
          out.push(
            'Weddings:',
            ...l.weddings.flatMap((w) => renderWeddingPolicy(w, w.wedding).map((x) => `  ${x}`)),
          );
        console.log(out.join('\n'));
      });
    });

  policy
    .command('set <wedding>')
    .description("change a wedding's protection (its slug, as `keepsake weddings list` shows it)")
    .addOption(
      new Option(
        '--policy <name>',
        'hold it to this policy whatever its dates say; auto: its dates decide',
      ).choices(['critical', 'standard', 'archive', 'auto']),
    )
    .option('--copies <n>', "copies it needs (1-10); auto: the policy's number")
    .option('--delivered', 'the wedding was delivered: archive it')
    .option('--not-delivered', 'the wedding is not delivered yet')
    .option('--residency <tag>', 'keep every copy on destinations with this region tag, e.g. EU')
    .option('--no-residency', 'no region restriction')
    .action(async (slug: string, opts: SetOptions, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      if (opts.delivered && opts.notDelivered)
        throw new ConfigError('--delivered and --not-delivered: give one of them.');
      const change = {
        ...(opts.policy !== undefined ? { policy: opts.policy } : {}),
        ...(opts.copies !== undefined ? { copies: copiesOf(opts.copies) } : {}),
        ...(opts.delivered ? { delivered: true } : opts.notDelivered ? { delivered: false } : {}),
        ...(opts.residency !== undefined
          ? { residency: opts.residency === false ? null : opts.residency }
          : {}),
      };
      await withEngine(g, async (engine) => {
        const wedding = engine.store.weddings.bySlug(slug);
        if (!wedding)
          throw new ConfigError(`No wedding "${slug}"; \`keepsake weddings list\` shows their names.`);
        const next = applyChange(engine.store.weddings.settings(wedding.id), change);
        if (!next.ok)
          throw new ConfigError(`${next.message.replace(/^(\w+): /, '--$1: ')}. Nothing was changed.`);
        const r = changeWeddingSettings(engine, wedding.id, next.settings);
        if (g.json) return printJson({ ...r, wedding });
        console.log(
          [
            `${wedding.couple} (${wedding.slug}) is now ${r.policy.name}.`,
            `  why: ${r.policy.why}`,
            `  settings: ${describeSettings(r.settings) || 'none (its dates decide)'}`,
            ...(r.shortfall ? [`  cannot be met now: ${r.shortfall}`] : []),
            `${plural(r.requeued, 'file')} queued to be placed under it: a running Keepsake or \`keepsake backup --once\` stores them.`,
          ].join('\n'),
        );
      });
    });

  policy
    .command('mode <mode>')
    .description(
      "protection.copies: policy (each wedding's policy decides), all (every destination) or a number",
    )
    .action((value: string, _opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const mode = modeOf(value);
      const { home, config } = requireConfig(g);
      saveConfig(home, { ...config, protection: { ...config.protection, copies: mode } });
      if (g.json) return printJson({ mode });
      console.log(
        `${describeMode(mode)}\nSaved in the config; a running Keepsake uses it once started again, and then looks at every file again.`,
      );
    });
}
