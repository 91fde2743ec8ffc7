import type { QualityClass, Temperature, WeddingAnalysis } from '../../../shared/model/analysis.js';
import { cameraName, kindGroups, KIND_WORDS } from '../../../shared/model/analysis-words.js';
import { formatBytes, plural } from '../lib/format.js';
import { Badge, type Tone } from './Badge.js';

const QUALITY: Record<QualityClass, { label: string; tone: Tone }> = {
  professional: { label: 'Professional', tone: 'ok' },
  mixed: { label: 'Mixed', tone: 'info' },
  amateur: { label: 'Amateur', tone: 'neutral' },
  unknown: { label: 'Not known yet', tone: 'neutral' },
};
const TEMPERATURE: Record<Temperature, { label: string; tone: Tone }> = {
  hot: { label: 'Hot', tone: 'warn' },
  cooling: { label: 'Cooling', tone: 'info' },
  cold: { label: 'Cold', tone: 'neutral' },
};
const COMPLIANCE = { standard: 'Standard', enhanced: 'Enhanced', enterprise: 'Enterprise' } as const;

/** `10:02` (one day) or `Jun 14 10:02` of a capture time as the camera wrote it. */
function clock(t: string, oneDay: boolean): string {
  const hm = t.slice(11, 16);
  if (oneDay) return hm;
  const d = new Date(`${t.slice(0, 10)}T12:00:00Z`);
  return `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' })} ${hm}`;
}

/** The wedding screen's "What was shot" card: formats, cameras, sessions, and how the wedding is kept. */
export function AnalysisCard({ analysis }: { analysis: WeddingAnalysis }) {
  const s = analysis.shot;
  const c = s.capture;
  const oneDay = !!c.first && !!c.last && c.first.slice(0, 10) === c.last.slice(0, 10);
  const q = QUALITY[analysis.quality.class];
  const t = TEMPERATURE[analysis.access.temperature];
  return (
    <div data-testid="analysis">
      <dl className="stats">
        <div>
          <dt>Quality</dt>
          <dd>
            <Badge tone={q.tone} title={analysis.quality.reason}>
              {q.label}
            </Badge>
          </dd>
        </div>
        <div>
          <dt>Activity</dt>
          <dd>
            <Badge tone={t.tone} title={analysis.access.reason}>
              {t.label}
            </Badge>
          </dd>
        </div>
        <div>
          <dt>Compliance</dt>
          <dd>{COMPLIANCE[analysis.compliance.level]}</dd>
        </div>
        <div>
          <dt>Over 12 MP</dt>
          <dd>
            {s.megapixels.known === 0
              ? 'Not stated'
              : `${Math.round((s.megapixels.over12 / s.megapixels.known) * 100)}%`}
          </dd>
        </div>
      </dl>
      <ul className="analysis-lines">
        <li>
          <strong>Shot:</strong>{' '}
          {s.files === 0
            ? 'nothing yet'
            : kindGroups(s.kinds)
                .map(
                  (g) =>
                    `${g.files} ${KIND_WORDS[g.kind]}${g.formats.length ? ` (${g.formats.join(', ')})` : ''}, ${formatBytes(g.bytes)}`,
                )
                .join(' · ')}
        </li>
        <li>
          <strong>Cameras:</strong>{' '}
          {s.cameras.length === 0
            ? 'no file records its camera'
            : s.cameras.map((cam) => `${cameraName(cam)} (${cam.files})`).join(' · ')}
        </li>
        {s.lenses.length > 0 && (
          <li>
            <strong>Lenses:</strong> {s.lenses.map((l) => `${l.lens} (${l.files})`).join(' · ')}
          </li>
        )}
        <li>
          <strong>Captured:</strong>{' '}
          {c.first && c.last
            ? `${plural(c.sessions.length, 'session')} between pauses of ${c.gapMinutes} min: ` +
              c.sessions
                .slice(0, 6)
                .map(
                  (x) =>
                    `${clock(x.first, oneDay)}${x.last === x.first ? '' : `–${clock(x.last, oneDay)}`} (${x.files})`,
                )
                .join(' · ') +
              (c.sessions.length > 6 ? ` and ${c.sessions.length - 6} more` : '')
            : 'no capture times'}
          {c.undated > 0 && ` · ${c.undated} undated`}
        </li>
        <li className="muted">
          {analysis.quality.reason}. Activity: {analysis.access.reason}.
        </li>
      </ul>
      <details className="analysis-compliance">
        <summary>
          Compliance: {COMPLIANCE[analysis.compliance.level]} ·{' '}
          {analysis.compliance.checks.filter((k) => k.met).length} of {analysis.compliance.checks.length}{' '}
          requirements met
        </summary>
        <ul>
          {analysis.compliance.checks.map((k) => (
            <li key={k.requirement}>
              {k.met ? '✓' : '✗'} {k.requirement}: {k.detail}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
