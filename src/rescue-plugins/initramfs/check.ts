/**
 * Is an initrd usable? Missing, empty, truncated, or not a valid (compressed) cpio archive:
 * the layout is read from the bytes (cpio.ts), the compressed part is decompressed by the real
 * tool (gzip, zstd, xz, ...) through the runner, and the result must be a complete cpio
 * stream holding /init.
 */
import type { Runner } from '../../core/runner.js';
import { asFirstaidError } from '../../core/errors.js';
import { DECOMPRESS_ARGV, hasInit, initrdLayout, parseCpioStream } from './cpio.js';

export type InitrdStatus =
  | { state: 'ok'; detail: string }
  | { state: 'missing' | 'empty' | 'invalid'; detail: string }
  /** The check itself could not run (no decompressor on the live system). */
  | { state: 'unknown'; detail: string };

/** Checks the bytes of an initrd; `bytes` is null when the file does not exist. */
export async function checkInitrdBytes(bytes: Buffer | null, runner: Runner): Promise<InitrdStatus> {
  if (bytes === null) return { state: 'missing', detail: 'the file does not exist' };
  if (bytes.length === 0) return { state: 'empty', detail: 'the file is empty (0 bytes)' };
  const layout = initrdLayout(bytes);
  if (!layout.ok) return { state: 'invalid', detail: layout.why };
  let names = layout.names;
  let how = 'uncompressed cpio';
  if (layout.compressed) {
    const { compression, offset } = layout.compressed;
    const [cmd, ...args] = DECOMPRESS_ARGV[compression];
    let r;
    try {
      r = await runner.run(cmd!, args, { input: bytes.subarray(offset), binary: true, readOnly: true, allowFailure: true, timeoutMs: 5 * 60 * 1000 });
    } catch (err) {
      return { state: 'unknown', detail: `${compression} data could not be checked: ${asFirstaidError(err).message}` };
    }
    if (r.exitCode !== 0) {
      const why = r.stderr.trim().split('\n').pop() ?? '';
      return { state: 'invalid', detail: `the ${compression} data does not decompress (truncated or damaged)${why ? `: ${why.slice(0, 120)}` : ''}` };
    }
    const inner = parseCpioStream(r.stdoutBuffer ?? Buffer.alloc(0));
    if (!inner.ok) return { state: 'invalid', detail: `the ${compression} data is not a complete cpio archive: ${inner.why}` };
    names = [...names, ...inner.names];
    how = `${compression}-compressed cpio${layout.names.length ? ' after an early cpio' : ''}`;
  }
  if (!hasInit(names)) return { state: 'invalid', detail: `a ${how} archive without /init (${names.length} entries)` };
  return { state: 'ok', detail: `${how}, ${names.length} entries, ${bytes.length} bytes` };
}
