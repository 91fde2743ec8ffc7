import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import { describe, expect, it, vi, type Mock } from 'vitest';
import { encodePng } from './png.js';
import { PauseController } from './pause.js';
import { trayIconPng } from './tray-icon.js';
import type { TrayState } from './tray-state.js';
import {
  TrayController,
  trayMenuTemplate,
  type TrayActions,
  type TrayHandle,
  type TrayView,
} from './tray.js';
import { decodePng } from './testing/png-decode.js';
import { destination, report, wedding } from './testing/status.js';

function actions(): { [K in keyof TrayActions]: Mock<TrayActions[K]> } {
  return {
    open: vi.fn<TrayActions['open']>(),
    protectNow: vi.fn<TrayActions['protectNow']>(async () => ({ queued: 3 })),
    pause: vi.fn<TrayActions['pause']>(async () => undefined),
    resume: vi.fn<TrayActions['resume']>(async () => undefined),
    quit: vi.fn<TrayActions['quit']>(),
    failed: vi.fn<TrayActions['failed']>(),
  };
}

const view = (over: Partial<TrayView> = {}): TrayView => ({
  state: 'protected',
  summary: 'Keepsake: everything is protected',
  paused: false,
  engineReady: true,
  tomorrow: 'Mon 06:00',
  ...over,
});

const byId = (menu: MenuItemConstructorOptions[], id: string) => menu.find((i) => i.id === id)!;
const click = (item: MenuItemConstructorOptions) => (item.click as () => void)();

describe('tray menu', () => {
  it('offers open, protect now, pause for an hour or until tomorrow, and quit', async () => {
    const a = actions();
    const menu = trayMenuTemplate(view(), a);
    expect(menu.filter((i) => i.type !== 'separator' && i.visible !== false).map((i) => i.label)).toEqual([
      'Keepsake: everything is protected',
      'Open Keepsake',
      'Protect now',
      'Pause for 1 hour',
      'Pause until tomorrow (Mon 06:00)',
      'Quit Keepsake',
    ]);
    expect(byId(menu, 'summary').enabled).toBe(false);
    click(byId(menu, 'open'));
    click(byId(menu, 'protect-now'));
    click(byId(menu, 'pause-hour'));
    click(byId(menu, 'pause-tomorrow'));
    click(byId(menu, 'quit'));
    await Promise.resolve();
    expect(a.open).toHaveBeenCalledOnce();
    expect(a.protectNow).toHaveBeenCalledOnce();
    expect(a.pause.mock.calls).toEqual([['hour'], ['tomorrow']]);
    expect(a.quit).toHaveBeenCalledOnce();
  });

  it('offers resume instead of pause while paused, and no protect now', () => {
    const a = actions();
    const menu = trayMenuTemplate(view({ paused: true, state: 'paused' }), a);
    expect(byId(menu, 'pause-hour').visible).toBe(false);
    expect(byId(menu, 'pause-tomorrow').visible).toBe(false);
    expect(byId(menu, 'resume').visible).toBe(true);
    expect(byId(menu, 'protect-now').enabled).toBe(false);
    click(byId(menu, 'resume'));
    expect(a.resume).toHaveBeenCalledOnce();
  });

  it('disables what needs the engine while it is down, and reports failed actions', async () => {
    const a = actions();
    const down = trayMenuTemplate(view({ engineReady: false }), a);
    for (const id of ['protect-now', 'pause-hour', 'pause-tomorrow', 'resume'])
      expect(byId(down, id).enabled).toBe(false);
    expect(byId(down, 'open').enabled).not.toBe(false);
    const error = new Error('the engine is not running');
    a.protectNow.mockRejectedValueOnce(error);
    click(byId(trayMenuTemplate(view(), a), 'protect-now'));
    await vi.waitFor(() => expect(a.failed).toHaveBeenCalledWith('Protect now', error));
  });
});

/** A Tray, Menu and nativeImage standing in for Electron's, recording what the tray shows. */
function fakeTrayParts() {
  const shown = {
    image: '' as string,
    tooltip: '',
    menu: [] as MenuItemConstructorOptions[],
    clicks: [] as (() => void)[],
  };
  const images: Buffer[][] = [];
  const tray: TrayHandle = {
    setImage: (icon) => (shown.image = (icon as unknown as { tag: string }).tag),
    setToolTip: (t) => (shown.tooltip = t),
    setContextMenu: (m) => (shown.menu = (m as { template: MenuItemConstructorOptions[] }).template),
    on: (_e, l) => shown.clicks.push(l),
    destroy: vi.fn(),
  };
  return {
    shown,
    images,
    tray,
    parts: {
      createTray: (icon: NativeImage) => {
        tray.setImage(icon);
        return tray;
      },
      buildMenu: (template: MenuItemConstructorOptions[]) => ({ template }),
      createImage: (png1x: Buffer, png2x: Buffer) => {
        images.push([png1x, png2x]);
        return { tag: `image${images.length}` } as unknown as NativeImage;
      },
    },
  };
}

describe('TrayController', () => {
  it("follows the engine's status and the user's pause", async () => {
    const fake = fakeTrayParts();
    const a = actions();
    let paused = false;
    const pause = new PauseController({
      setPaused: async (p) => (paused = p),
      now: () => Date.now(),
      onChange: () => controller.render(),
    });
    const controller = new TrayController(fake.parts, a, pause, () => new Date(2026, 5, 14, 21, 0));
    expect(controller.view().state).toBe('working'); // nothing known yet
    expect(fake.shown.menu.find((i) => i.id === 'protect-now')!.enabled).toBe(false);

    controller.setEngine(true);
    controller.setStatus(report());
    expect(controller.view().state).toBe('protected');
    expect(fake.shown.tooltip).toBe('Keepsake: everything is protected');
    const protectedIcon = fake.shown.image;

    controller.setStatus(
      report({ weddings: [wedding(1, { protected: 3, pending: 7 })], allProtected: false }),
    );
    expect(controller.view().state).toBe('working');
    expect(fake.shown.image).not.toBe(protectedIcon);

    await pause.pause(new Date(2026, 5, 14, 22, 0).getTime());
    expect(paused).toBe(true);
    expect(controller.view().state).toBe('paused');
    expect(fake.shown.tooltip).toBe('Keepsake is paused until 22:00');
    expect(fake.shown.menu.find((i) => i.id === 'resume')!.visible).toBe(true);
    await pause.resume();

    controller.setStatus(
      report({
        destinations: [destination('SSD'), destination('NAS', { reachable: false, problem: 'unplugged' })],
      }),
    );
    expect(controller.view().state).toBe('attention');
    expect(fake.shown.tooltip).toBe('Keepsake needs attention: "NAS" cannot be reached: unplugged.');

    // The engine failed for good: attention, whatever the last status said.
    controller.setEngine(false, 'Keepsake is already running on this home');
    expect(controller.view()).toMatchObject({ state: 'attention', engineReady: false });
    expect(fake.shown.tooltip).toBe('Keepsake needs attention: Keepsake is already running on this home');

    // One image per state, made once each; clicking the icon opens the window.
    expect(fake.images).toHaveLength(4);
    fake.shown.clicks[0]!();
    expect(a.open).toHaveBeenCalledOnce();
    controller.destroy();
    expect(fake.tray.destroy).toHaveBeenCalled();
    pause.dispose();
  });
});

describe('tray icons', () => {
  it('encodes PNGs that decode to the same pixels', () => {
    const px = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 37) % 256);
    const decoded = decodePng(encodePng(3, 2, px));
    expect(decoded).toMatchObject({ width: 3, height: 2 });
    expect([...decoded.rgba]).toEqual([...px]);
    expect(() => encodePng(3, 3, px)).toThrow();
  });

  it('draws each state in its own colour and shape, at 1x and 2x', () => {
    const pixel = (png: Buffer, x: number, y: number) => {
      const { width, rgba } = decodePng(png);
      return [...rgba.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)];
    };
    const states: TrayState[] = ['protected', 'working', 'attention', 'paused'];
    for (const size of [16, 32]) {
      const pngs = states.map((s) => trayIconPng(s, size));
      for (const png of pngs) {
        expect(decodePng(png)).toMatchObject({ width: size, height: size });
        expect(pixel(png, 0, 0)[3]).toBe(0); // transparent corner
      }
      // Centre: green disc; a hole in the blue ring; white "!" on red; the gap between the grey bars.
      const c = size / 2;
      expect(pixel(pngs[0]!, c, c)).toEqual([46, 158, 91, 255]);
      expect(pixel(pngs[1]!, c, c)[3]).toBe(0);
      expect(pixel(pngs[1]!, 1 + size / 16, c)[3]).toBeGreaterThan(0);
      const bang = pixel(pngs[2]!, c, c - size / 8);
      expect(Math.min(...bang)).toBeGreaterThan(240);
      expect(pixel(pngs[3]!, c, c)[0]).toBeLessThan(200);
      expect(Math.min(...pixel(pngs[3]!, Math.round(c - size * 0.11), c))).toBeGreaterThan(240);
    }
  });
});
