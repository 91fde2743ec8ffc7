/** A labelled progress bar; `value` is a percentage, or null for work of unknown length. */
export function Progress({
  value,
  label,
  tone = 'accent',
}: {
  value: number | null;
  label: string;
  tone?: 'accent' | 'ok' | 'warn' | 'bad';
}) {
  const v = value === null ? null : Math.max(0, Math.min(100, value));
  return (
    <div
      className={`progress progress-${tone}${v === null ? ' progress-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={v ?? undefined}
    >
      <div className="progress-fill" style={v === null ? undefined : { width: `${v}%` }} />
    </div>
  );
}
