import { useEffect, useRef, useState } from 'react';
import { api } from '../lib/api.js';
import { Icon } from './Icon.js';

const PHOTO =
  /\.(jpe?g|cr2|nef|nrw|arw|srf|sr2|dng|rw2|orf|pef|srw|raw|rwl|3fr|erf|kdc|mrw|heic|heif|tiff?)$/i;
const VIDEO = /\.(mp4|mov|m4v|avi|mts|m2ts|mxf)$/i;

/** Loads at most a few previews at once, so a folder of 2,000 RAWs does not flood the engine. */
const queue: (() => Promise<void>)[] = [];
let active = 0;
function schedule(task: () => Promise<void>): void {
  queue.push(task);
  const next = () => {
    while (active < 4 && queue.length > 0) {
      const t = queue.shift()!;
      active++;
      void t().finally(() => {
        active--;
        next();
      });
    }
  };
  next();
}

/**
 * A file's preview: the JPEG the camera embedded in it, fetched when the tile scrolls into view;
 * an icon for videos, sidecars, or photos without a preview.
 */
export function Thumbnail({ fileId, name }: { fileId: number; name: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [visible, setVisible] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const photo = PHOTO.test(name);
  useEffect(() => {
    if (!photo) return;
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return setVisible(true);
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setVisible(true);
        io.disconnect();
      }
    });
    io.observe(el);
    return () => io.disconnect();
  }, [photo]);
  useEffect(() => {
    if (!visible) return;
    let live = true;
    schedule(() =>
      api.get('GET /api/files/:id/preview', fileId).then(
        (p) => {
          if (live && p.data) setSrc(`data:image/jpeg;base64,${p.data}`);
        },
        () => undefined,
      ),
    );
    return () => {
      live = false;
    };
  }, [visible, fileId]);
  return (
    <div className="thumb" ref={ref}>
      {src ? (
        <img src={src} alt={`Preview of ${name}`} data-testid="thumbnail" />
      ) : (
        <Icon name={VIDEO.test(name) ? 'camera' : photo ? 'camera' : 'file'} />
      )}
    </div>
  );
}
