import { describe, expect, it } from 'vitest';
import { attentionReasons, filesToGo, trayStateFor, trayTooltip } from './tray-state.js';
import { destination, report, wedding } from './testing/status.js';

const working = report({
  weddings: [wedding(1), wedding(2, { protected: 4, pending: 6 })],
  queue: { queued: 5, running: 1, retrying: 0 },
  allProtected: false,
});
const downNas = report({
  destinations: [
    destination('SSD'),
    destination('NAS', { reachable: false, problem: 'the drive is not connected' }),
  ],
});

describe('trayStateFor', () => {
  it('all protected: every file has its copies and nothing is queued', () => {
    expect(trayStateFor(report(), false)).toBe('protected');
    // Files skipped on purpose and the one-destination advice do not spoil it.
    expect(
      trayStateFor(
        report({
          weddings: [wedding(1, { files: 12, skipped: 2 })],
          problems: [{ path: '/W/link.jpg', state: 'skipped', error: 'symbolic link' }],
          warnings: ['Only one backup destination: add a second'],
        }),
        false,
      ),
    ).toBe('protected');
  });

  it('working: files waiting, jobs running or retrying; or status not known yet', () => {
    expect(trayStateFor(working, false)).toBe('working');
    // Every file protected, a snapshot queued for after the quiet period: protected.
    expect(trayStateFor(report({ queue: { queued: 1, running: 0, retrying: 0 } }), false)).toBe('protected');
    expect(trayStateFor(report({ queue: { queued: 0, running: 0, retrying: 1 } }), false)).toBe('working');
    expect(trayStateFor(report({ queue: { queued: 0, running: 1, retrying: 0 } }), false)).toBe('working');
    expect(trayStateFor(report({ allProtected: false }), false)).toBe('working');
    expect(trayStateFor(null, false)).toBe('working');
  });

  it('needs attention: an unreachable destination, failed files, nowhere to back up, an unmeetable target', () => {
    expect(trayStateFor(downNas, false)).toBe('attention');
    const flapping = report({ destinations: [destination('SSD'), destination('NAS', { health: 'down' })] });
    expect(trayStateFor(flapping, false)).toBe('attention');
    expect(attentionReasons(flapping)).toEqual(['"NAS" is not working.']);
    const degraded = report({
      destinations: [destination('SSD'), destination('NAS', { health: 'degraded' })],
    });
    expect(trayStateFor(degraded, false)).toBe('protected');
    expect(trayStateFor(report({ weddings: [wedding(1, { failed: 1, protected: 9 })] }), false)).toBe(
      'attention',
    );
    expect(
      trayStateFor(report({ unassigned: wedding(0, { wedding: null, failed: 2, protected: 8 }) }), false),
    ).toBe('attention');
    expect(trayStateFor(report({ destinations: [] }), false)).toBe('attention');
    expect(
      trayStateFor(
        report({ destinations: [destination('SSD'), destination('NAS', { enabled: false })] }),
        false,
      ),
    ).toBe('attention');
    // A disabled destination being unreachable is no news.
    expect(
      trayStateFor(
        report({
          target: 1,
          destinations: [destination('SSD'), destination('NAS', { enabled: false, reachable: false })],
        }),
        false,
      ),
    ).toBe('protected');
  });

  it('paused: while the user paused, unless something needs attention', () => {
    expect(trayStateFor(report(), true)).toBe('paused');
    expect(trayStateFor(working, true)).toBe('paused');
    expect(trayStateFor(null, true)).toBe('paused');
    expect(trayStateFor(downNas, true)).toBe('attention');
  });
});

describe('tray words', () => {
  it('says what needs attention, plainly', () => {
    expect(attentionReasons(downNas)).toEqual(['"NAS" cannot be reached: the drive is not connected.']);
    expect(attentionReasons(report({ destinations: [] }))).toEqual([
      'No backup destination is enabled: nothing is being backed up.',
    ]);
    expect(attentionReasons(report({ target: 3 }))).toEqual([
      'Each file needs 3 copies but only 2 destination(s) are enabled.',
    ]);
    expect(
      attentionReasons(report({ weddings: [wedding(1, { failed: 3 }), wedding(2, { failed: 1 })] })),
    ).toEqual(['4 file(s) could not be backed up.']);
  });

  it("says so when files are copied only to the laptop's own disk, or a watched folder cannot be read", () => {
    const onLaptop = report({
      weddings: [wedding(1, { protected: 0, laptopOnly: 10 })],
      allProtected: false,
    });
    expect(trayStateFor(onLaptop, false)).toBe('attention');
    expect(attentionReasons(onLaptop)).toEqual([
      "10 file(s) are only on this laptop's disk: add an external drive, a NAS or a cloud so a lost laptop does not lose them.",
    ]);
    // Still uploading to a second place: work, not a problem.
    const uploading = report({
      weddings: [wedding(1, { protected: 0, pending: 10, laptopOnly: 10 })],
      allProtected: false,
    });
    expect(trayStateFor(uploading, false)).toBe('working');
    // The user said laptop copies count (config protection.laptopCounts).
    expect(attentionReasons({ ...onLaptop, laptopCounts: true })).toEqual([]);
    const gone = report({
      folders: [
        { path: '/W', kind: 'weddings', available: false, problem: 'The watched folder /W is missing.' },
      ],
    });
    expect(trayStateFor(gone, false)).toBe('attention');
    expect(attentionReasons(gone)).toEqual(['The watched folder /W is missing.']);
  });

  it('tooltips for each state', () => {
    expect(trayTooltip(report(), false)).toBe('Keepsake: everything is protected');
    expect(filesToGo(working)).toBe(6);
    expect(trayTooltip(working, false)).toBe('Keepsake is backing up: 6 file(s) to go');
    expect(trayTooltip(null, false)).toBe('Keepsake is working');
    // The line Backblaze users rely on: when every file last met its target.
    expect(trayTooltip({ ...working, protectedAsOf: '2026-06-14T21:22:00' }, false)).toMatch(
      /^Keepsake is backing up: 6 file\(s\) to go; backed up as of 14 Jun(,| at) 21:22$/,
    );
    expect(trayTooltip(working, true, '14:05')).toBe('Keepsake is paused until 14:05');
    expect(trayTooltip(downNas, false)).toBe(
      'Keepsake needs attention: "NAS" cannot be reached: the drive is not connected.',
    );
  });
});
