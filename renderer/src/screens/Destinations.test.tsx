// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DestinationStatus } from '../../../shared/model/status.js';
import { healthOf } from '../lib/health.js';
import { DestinationCard } from './Destinations.js';

afterEach(cleanup);

const vault = (over: Partial<DestinationStatus> = {}): DestinationStatus => ({
  name: 'Vault',
  kind: 'local',
  location: '/home/anna/.local/share/keepsake/Vault',
  enabled: true,
  reachable: true,
  problem: null,
  objects: 4,
  health: 'healthy',
  since: null,
  ...over,
});

describe('a destination card', () => {
  it("says a folder on the laptop's own disk does not count as protection", () => {
    const d = vault({ onLaptop: true });
    render(<DestinationCard d={d} health={healthOf(d, null)} onChanged={() => undefined} />);
    expect(screen.getByTestId('on-laptop').textContent).toBe(
      'On this laptop’s disk Its copies are lost with the laptop: they do not count as protection. Add an external drive, a NAS or a cloud as well.',
    );
  });

  it('says nothing of the kind for a drive of its own', () => {
    const d = vault({ name: 'T7', onLaptop: false });
    render(<DestinationCard d={d} health={healthOf(d, null)} onChanged={() => undefined} />);
    expect(screen.queryByTestId('on-laptop')).toBeNull();
    expect(screen.getByRole('heading', { name: /T7/ })).toBeTruthy();
  });
});
