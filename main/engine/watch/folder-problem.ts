import { opendir, stat } from 'node:fs/promises';

/**
 * Why a watched folder cannot be backed up now, in one sentence that says what to do, or null when it
 * can be read: missing (moved, renamed, a drive unplugged), not a folder, or not readable.
 */
export async function folderProblem(path: string): Promise<string | null> {
  try {
    const s = await stat(path);
    if (!s.isDirectory())
      return `The watched folder ${path} is not a folder: new photos there are not backed up. Remove it with \`npx keepsake folders remove\` or put the folder back.`;
    // Reading one entry proves the folder can be listed (chmod 000 passes stat but not this).
    const dir = await opendir(path);
    await dir.read();
    await dir.close();
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return `The watched folder ${path} is missing (moved, renamed or its drive unplugged): new photos there are not backed up. Put it back or plug the drive in, or change the folder with \`npx keepsake folders\`.`;
    if (code === 'EACCES' || code === 'EPERM')
      return `The watched folder ${path} cannot be read (permission denied): new photos there are not backed up. Give your user read access to it (e.g. \`chmod u+rx\`).`;
    return `The watched folder ${path} cannot be read (${code ?? (err as Error).message}): new photos there are not backed up. Check the folder and its drive.`;
  }
}
