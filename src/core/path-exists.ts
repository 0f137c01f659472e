/** Whether something is at a host path (a dangling symlink counts as nothing). */
import { stat } from 'node:fs/promises';

export async function pathExists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
