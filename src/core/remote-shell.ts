/**
 * Remote commands through ssh without letting the remote shell read our paths: ssh joins its
 * arguments into one string for the login shell, so every word is quoted here and paths only
 * ever arrive as positional arguments ("$1", "$f"). And the one remote sha256 (peers' staging
 * checks and the storage backends' put checks use it).
 */

/** One word for a POSIX shell (sh, dash, bash, zsh, ksh): single quotes, `'` as `'\''`. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A remote command line from words, each quoted for the login shell. */
export function remoteCommand(words: readonly string[]): string {
  return words.map(shQuote).join(' ');
}

/**
 * Shell text for `sh -c TEXT NAME FILE...`: prints `<sha256>  <file>\0` for each file, exit 5
 * when one cannot be hashed. `openssl dgst` when the host has it (SHA extensions: about 4x less
 * CPU than coreutils' sha256sum, measured), else sha256sum. The file is a redirect, never an
 * option: a name starting with `-` stays a name.
 */
export const HASH_FILES_SH = 'for f; do h=$(openssl dgst -sha256 -r < "$f" 2>/dev/null || sha256sum < "$f") || exit 5; printf "%.64s  %s\\0" "$h" "$f"; done';

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
