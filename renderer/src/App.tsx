import { lazy, Suspense, useEffect, useRef } from 'react';
import { Sidebar } from './components/Sidebar.js';
import { ErrorState, Loading } from './components/States.js';
import { TopBar } from './components/TopBar.js';
import { unauthorized } from './lib/api.js';
import { LiveEventsProvider } from './lib/events.js';
import { navigate, useRoute, type Route } from './lib/router.js';
import { StatusProvider, useStatus } from './lib/status.js';
import { ActivityScreen } from './screens/Activity.js';
import { DestinationsScreen } from './screens/Destinations.js';
import { OverviewScreen } from './screens/Overview.js';
import { RestoreScreen } from './screens/Restore.js';
import { SettingsScreen } from './screens/Settings.js';
import { StudioScreen } from './screens/Studio.js';
import { WeddingDetailScreen } from './screens/WeddingDetail.js';
import { WeddingsScreen } from './screens/Weddings.js';
import { WelcomeScreen } from './screens/Welcome.js';

/** The cost screen carries the chart library: loaded when first opened. */
const CostScreen = lazy(() => import('./screens/Cost.js').then((m) => ({ default: m.CostScreen })));

/** The app: live events and status for every screen, the navigation, and the screen of the route. */
export function App() {
  return (
    <LiveEventsProvider>
      <StatusProvider>
        <Shell />
      </StatusProvider>
    </LiveEventsProvider>
  );
}

function ScreenOf({ route }: { route: Route }) {
  switch (route.screen) {
    case 'overview':
      return <OverviewScreen />;
    case 'weddings':
      return <WeddingsScreen />;
    case 'wedding':
      return <WeddingDetailScreen id={Number(route.args[0])} />;
    case 'restore':
      return (
        <RestoreScreen
          weddingId={route.args[0] ? Number(route.args[0]) : null}
          snapshot={route.args[1] ?? null}
        />
      );
    case 'cost':
      return (
        <Suspense fallback={<Loading label="Loading the cost dashboard" rows={4} />}>
          <CostScreen />
        </Suspense>
      );
    case 'destinations':
      return <DestinationsScreen />;
    case 'studio':
      return <StudioScreen />;
    case 'activity':
      return <ActivityScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'welcome':
      return <WelcomeScreen />;
  }
}

function Shell() {
  const route = useRoute();
  const { status, error, reload } = useStatus();
  const decided = useRef(false);
  // A new installation opens on the first-run guide, once; later visits open where the user was.
  useEffect(() => {
    if (!status || decided.current) return;
    decided.current = true;
    const fresh = status.weddings.length === 0 && !status.unassigned;
    if (fresh && !window.location.hash) navigate('welcome');
  }, [status]);
  useEffect(() => {
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [route.screen]);
  if (!status && error && unauthorized(error))
    return (
      <main className="signin">
        <ErrorState error={error} />
      </main>
    );
  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <Sidebar current={route.screen} />
      <div className="app-main">
        <TopBar />
        <main id="main" tabIndex={-1}>
          {!status && error ? (
            <ErrorState error={error} retry={reload} what="Keepsake's status" />
          ) : !status ? (
            <Loading label="Loading Keepsake's status" rows={4} />
          ) : (
            <ScreenOf route={route} />
          )}
        </main>
      </div>
    </div>
  );
}
