/**
 * Remote commands through ssh without letting the remote shell read our paths: ssh joins its
 * arguments into one string for the login shell, so every word is quoted here and paths only
 * ever arrive as positional arguments ("$1", "$f"). And the one remote sha256 (peers' staging
 * checks and the storage backends' put checks use it).
 */
import { readdir } from 'node:fs/promises';

/** One word for a POSIX shell (sh, dash, bash, zsh, ksh): single quotes, `'` as `'\''`. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A remote command line from words, each quoted for the login shell. */
export function remoteCommand(words: readonly string[]): string {
  return words.map(shQuote).join(' ');
}

/**
 * The sha256 of the file named by shell variable `v` (its 64 hex digits first): `openssl dgst`
 * when the host has it (SHA extensions: about 4x less CPU than coreutils' sha256sum, measured),
 * else sha256sum. The file is a redirect, never an option: a name starting with `-` stays a name.
 */
const sha256Of = (v: string) => `openssl dgst -sha256 -r < "${v}" 2>/dev/null || sha256sum < "${v}"`;

/** Shell text for `sh -c TEXT NAME FILE...`: prints `<sha256>  <file>\0` for each file, exit 5 when one cannot be hashed. */
export const HASH_FILES_SH = `for f; do h=$(${sha256Of('$f')}) || exit 5; printf "%.64s  %s\\0" "$h" "$f"; done`;

/** The words of a remote command hashing `paths` (for remoteCommand). */
export function remoteSha256Words(paths: readonly string[]): string[] {
  return ['sh', '-c', HASH_FILES_SH, 'firstaid-sha256', ...paths];
}

/** `<sha256>  <name>\0` records -> name -> sha256; throws on anything else. */
export function parseHashRecords(out: string): Map<string, string> {
  const hashes = new Map<string, string>();
  const parts = out.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  for (const h of parts) {
    const m = /^([0-9a-f]{64}) {2}(.*)$/s.exec(h);
    if (!m) throw new Error(`unexpected sha256 output: ${JSON.stringify(h.slice(0, 80))}`);
    hashes.set(m[2]!, m[1]!);
  }
  return hashes;
}

/**
 * Shell text for `sh -c TEXT NAME TMP FINAL`, started beside an upload: it waits for one line
 * on stdin, the sha256 TMP must have; then hashes TMP, prints the hash, and renames TMP to
 * FINAL only if they match (exit 6 if not). stdin closed without a line (the upload failed):
 * exit 9, nothing touched.
 */
export const COMMIT_IF_HASH_SH = [
  'IFS= read -r want || exit 9',
  `h=$(${sha256Of('$1')}) || exit 5`,
  'h=$(printf "%.64s" "$h")',
  'printf "%s\\n" "$h"',
  '[ "$h" = "$want" ] || exit 6',
  'mv -f -- "$1" "$2" || exit 7',
].join('\n');

/**
 * Resolves once an OpenSSH ControlMaster socket exists in `dir` (the first session has logged
 * in), so a second session rides on that login instead of logging in beside it; or when
 * `first` has ended (its login failed), or after `maxMs` (a slow login: log in separately).
 */
export async function controlSocketUp(dir: string, first: Promise<unknown>, maxMs = 20_000): Promise<void> {
  let ended = false;
  void first.finally(() => { ended = true; }).catch(() => undefined);
  for (let waited = 0; !ended && waited < maxMs; waited += 10) {
    if ((await readdir(dir).catch(() => [])).length > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}
