import { useEffect, useState } from 'react';
import type { StatusReport } from '../../shared/model/status.js';

/** The app shell; the screens come with the user interface issue. */
export function App() {
  const [status, setStatus] = useState<StatusReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    fetch('/api/status')
      .then(async (r) => (r.ok ? setStatus((await r.json()) as StatusReport) : setError(`HTTP ${r.status}`)))
      .catch((e: unknown) => setError(String(e)));
  }, []);
  if (error) return <p role="alert">Keepsake is not reachable: {error}</p>;
  if (!status) return <p>Loading…</p>;
  return (
    <main>
      <h1>Keepsake</h1>
      <p>{status.allProtected ? 'All files are protected.' : 'Not every file is protected yet.'}</p>
    </main>
  );
}
