import { href, type Screen } from '../lib/router.js';
import { Icon, type IconName } from './Icon.js';

const ITEMS: { screen: Screen; label: string; icon: IconName; also?: Screen[] }[] = [
  { screen: 'overview', label: 'Overview', icon: 'overview', also: ['welcome'] },
  { screen: 'weddings', label: 'Weddings', icon: 'weddings', also: ['wedding'] },
  { screen: 'restore', label: 'Restore', icon: 'restore' },
  { screen: 'cost', label: 'Cost', icon: 'cost' },
  { screen: 'destinations', label: 'Destinations & folders', icon: 'destinations' },
  { screen: 'studio', label: 'Studio', icon: 'studio' },
  { screen: 'activity', label: 'Activity', icon: 'activity' },
  { screen: 'settings', label: 'Settings', icon: 'settings' },
];

/** The navigation: every screen one Tab away, the current one marked for screen readers too. */
export function Sidebar({ current }: { current: Screen }) {
  return (
    <nav className="sidebar" aria-label="Keepsake">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          <Icon name="shield" />
        </span>
        <span className="brand-name">Keepsake</span>
      </div>
      <ul>
        {ITEMS.map((item) => {
          const active = item.screen === current || (item.also?.includes(current) ?? false);
          return (
            <li key={item.screen}>
              <a
                href={href(item.screen)}
                className={active ? 'active' : undefined}
                aria-current={active ? 'page' : undefined}
              >
                <Icon name={item.icon} />
                {item.label}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
