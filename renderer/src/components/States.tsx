import type { ReactNode } from 'react';
import { notServed, unauthorized } from '../lib/api.js';
import { Icon, type IconName } from './Icon.js';

/** A calm placeholder while data loads: the shape of what comes, not a spinner in a void. */
export function Loading({ label = 'Loading…', rows = 3 }: { label?: string; rows?: number }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="visually-hidden">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton" aria-hidden="true" />
      ))}
    </div>
  );
}

/** An empty list, saying what will appear here and how to get it there. */
export function Empty({
  icon = 'folder',
  title,
  children,
}: {
  icon?: IconName;
  title: string;
  children?: ReactNode;
}) {
  return (
    <div className="empty">
      <div className="empty-icon">
        <Icon name={icon} />
      </div>
      <h3>{title}</h3>
      {children && <div className="empty-body">{children}</div>}
    </div>
  );
}

/** A failure, in words, with a way to try again. A route the engine does not serve yet is a NotAvailable. */
export function ErrorState({
  error,
  retry,
  what = 'This',
}: {
  error: unknown;
  retry?: () => void;
  what?: string;
}) {
  if (notServed(error)) return <NotAvailable what={what} />;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="callout callout-bad" role="alert">
      <Icon name="alert" />
      <div>
        <strong>
          {unauthorized(error) ? 'This window is not signed in.' : `${what} could not be loaded.`}
        </strong>
        <p>
          {unauthorized(error)
            ? 'Open Keepsake from the link `keepsake run` printed, or from the Keepsake app.'
            : message}
        </p>
        {retry && (
          <button type="button" className="button button-quiet" onClick={retry}>
            Try again
          </button>
        )}
      </div>
    </div>
  );
}

/** A feature this version of the engine does not offer yet: what it will show, and what to use now. */
export function NotAvailable({
  what,
  are = false,
  children,
}: {
  what: string;
  /** `what` is plural: "Policies are not available yet." */
  are?: boolean;
  children?: ReactNode;
}) {
  return (
    <div className="callout callout-info not-available" data-testid="not-available">
      <Icon name="clock" />
      <div>
        <strong>
          {what} {are ? 'are' : 'is'} not available yet.
        </strong>
        <p>This version of the Keepsake engine does not provide it. Your backups are not affected.</p>
        {children}
      </div>
    </div>
  );
}

/** The outcome of saving a form: what was saved (a status) or why not (an alert). */
export function SaveResult({ note }: { note: { ok?: string; error?: string } | null }) {
  return (
    <>
      {note?.ok && (
        <p className="callout callout-ok" role="status">
          {note.ok}
        </p>
      )}
      {note?.error && (
        <p className="callout callout-bad" role="alert">
          {note.error}
        </p>
      )}
    </>
  );
}
