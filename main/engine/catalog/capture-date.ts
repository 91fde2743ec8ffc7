/**
 * A file's capture time and where it came from, in a stated order so nothing is guessed: the file's
 * own metadata first; then an XMP sidecar next to it; then the camera's folder or file naming (DCIM
 * date folders such as `100_0612`, `20260614` folders); else none. A wrong wedding is worse than
 * "unassigned", so a source that does not give a whole date and time of day gives nothing.
 */
import type { CaptureSource } from '../../../shared/model/file.js';
import { readCaptureTime, type CaptureInfo } from './exif.js';

/** What the file says it was shot with: the capture metadata without the time. */
export type CameraFacts = Omit<CaptureInfo, 'captureTime'>;

/** A capture time with its source, or no time (and no source); and the camera facts found. */
export type FoundCapture = (
  { captureTime: string; source: CaptureSource } | { captureTime: null; source: null }
) & { camera: CameraFacts };

/** The capture time of the media file at `path`, from the first source that has one. Never throws. */
export async function findCaptureTime(path: string): Promise<FoundCapture> {
  const { captureTime, ...camera } = await readCaptureTime(path).catch((): CaptureInfo => ({
    captureTime: null,
  }));
  if (captureTime !== null) return { captureTime, source: 'metadata', camera };
  return { captureTime: null, source: null, camera };
}
