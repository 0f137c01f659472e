/** The backups listing as console text (pure): grouped by plugin id, newest first, fits `width` columns. */
import type { ManifestObject, SpaceSummary } from '../backup/spaces/types.js';

export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** "2026-11-22 20:54 UTC" */
export function shortTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, Math.max(0, width - 3)) + '...';
}

const STATE_WORD: Record<SpaceSummary['state'], string> = {
  verified: 'verified',
  complete: 'complete',
  incomplete: 'INCOMPLETE',
  corrupt: 'CORRUPT',
};

export function spaceLines(s: SpaceSummary, width = 80): string[] {
  const flags = [STATE_WORD[s.state], s.reverted ? 'reverted' : '', s.persistent === false ? 'temporary' : ''].filter(Boolean).join(', ');
  const lines = [fit(`  ${s.id}  ${shortTime(s.created)}  ${flags}`, width)];
  const counts = `${s.objectCount} object${s.objectCount === 1 ? '' : 's'}, ${humanSize(s.size)}`;
  const desc = s.description || '(no description)';
  lines.push(fit(`    ${fit(desc, width - 4 - counts.length - 2)}  ${counts}`, width));
  if (s.problem && s.state !== 'complete' && s.state !== 'verified') lines.push(fit(`    ${s.state === 'corrupt' ? 'problem' : 'why'}: ${s.problem}`, width));
  return lines;
}

/** Summaries must come from BackupStore.list() (already grouped and ordered). */
export function formatListing(storeDir: string, spaces: readonly SpaceSummary[], width = 80): string {
  const lines: string[] = [fit(`Backups in ${storeDir}`, width)];
  if (spaces.length === 0) {
    lines.push('', '  (none)');
    return lines.join('\n');
  }
  let plugin: string | null = null;
  for (const s of spaces) {
    if (s.pluginId !== plugin) {
      plugin = s.pluginId;
      lines.push('', fit(`${plugin}:`, width));
    }
    lines.push(...spaceLines(s, width));
  }
  const unsafe = spaces.filter((s) => s.state === 'incomplete' || s.state === 'corrupt').length;
  if (unsafe > 0) lines.push('', fit(`${unsafe} backup${unsafe === 1 ? ' is' : 's are'} incomplete or corrupt: never offered for revert.`, width));
  return lines.join('\n');
}

function kind(o: ManifestObject): string {
  if (o.absent) return 'absent';
  if (o.type === 'directory') return `dir (${o.entries?.length ?? 0})`;
  return o.type;
}

export function formatSpace(s: SpaceSummary, objects: readonly ManifestObject[], width = 80): string {
  const lines = [...spaceLines(s, width), fit(`    in ${s.dir}`, width), ''];
  for (const o of objects) {
    const size = o.type === 'directory' ? (o.entries ?? []).reduce((n, e) => n + e.size, 0) : o.size;
    const where = o.range ? `${o.range.device} @${o.range.offset}` : o.origin && o.origin !== o.name ? `from ${o.origin}` : '';
    const right = `${kind(o)}  ${humanSize(size)}`;
    const left = `  ${o.name}${where ? `  ${where}` : ''}`;
    lines.push(left.length + 2 + right.length <= width ? `${left}${' '.repeat(width - left.length - right.length)}${right}` : fit(left, width), ...(left.length + 2 + right.length <= width ? [] : [fit(`      ${right}`, width)]));
  }
  return lines.join('\n');
}
