/** Reading a pool file: the I/O shell around the pure parser. */
import { readFile } from 'node:fs/promises';
import { FirstaidError } from '../../core/errors.js';
import { parsePool, type Pool } from './pool.js';

export async function readPoolFile(path: string): Promise<Pool> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new FirstaidError('no-pool', `Cannot read the pool file ${path} (${code}).`, 'Give the pool file with --peers FILE (JSON: {"peers": [...]}).', 2);
  }
  return parsePool(text);
}
