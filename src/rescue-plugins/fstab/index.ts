/**
 * fstab rescue plugin: the checks of `findmnt --verify` (and syntax) against the target's own
 * devices, and the repairs a careful person would make: remap a stale UUID to the one
 * unclaimed matching filesystem, nofail or comment out what cannot be found and is not needed
 * to boot, comment out lines that cannot be parsed. Only /etc/fstab is ever written.
 */
import { FirstaidError } from '../../core/errors.js';
import { runtimeDir } from '../../core/paths.js';
import type { Finding, Plan, PluginContext, RescuePlugin } from '../types.js';
import { checkFstab, pathsToCheck, FSTAB_PATH, PLUGIN_ID } from './checks.js';
import { parseFstab } from '../../devices/fstab-parse.js';
import { planFstab, FILE_FINDING, type FstabPlanData } from './plan.js';

/**
 * The file's text. Not valid UTF-8 (garbage, another encoding) -> latin1, which maps every byte
 * to one character and back, so even a binary file survives the round trip byte for byte.
 */
export async function readFstab(ctx: PluginContext): Promise<{ text: string; encoding: 'utf8' | 'latin1' } | undefined> {
  let bytes: Buffer;
  try {
    bytes = await ctx.target.readBytes(FSTAB_PATH);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'EISDIR') throw new FirstaidError('fstab-not-file', '/etc/fstab is a directory, not a file.', 'Move it aside and write an fstab by hand (blkid lists the filesystems).');
    throw e;
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf8' };
  } catch {
    return { text: bytes.toString('latin1'), encoding: 'latin1' };
  }
}

/** Reads /etc/fstab and runs every check (read-only). */
export async function diagnoseFstab(ctx: PluginContext): Promise<Finding[]> {
  ctx.progress('reading /etc/fstab');
  const file = await readFstab(ctx);
  if (file === undefined) {
    return [{
      id: 'fstab.missing-file',
      pluginId: PLUGIN_ID,
      title: '/etc/fstab does not exist',
      state: 'detected',
      severity: 'warning',
      evidence: ['Without /etc/fstab nothing but the root filesystem is mounted, and / may stay read-only.', 'Write one by hand (blkid lists the filesystems and their UUIDs).'],
      fixable: false,
    }];
  }
  const { text, encoding } = file;
  const parsed = parseFstab(text);
  const existing = new Set<string>();
  for (const p of pathsToCheck(parsed)) if (await ctx.target.exists(p)) existing.add(p);
  const root = ctx.system.root ?? null;
  const findings = checkFstab(parsed, { text, devices: ctx.devices, root, existing, ownMountPrefix: runtimeDir() });
  findings.push({
    id: FILE_FINDING,
    pluginId: PLUGIN_ID,
    title: `/etc/fstab read: ${parsed.lines.filter((l) => l.kind === 'entry').length} entries`,
    state: 'checked',
    severity: 'info',
    evidence: [],
    fixable: false,
    // A symlinked /etc/fstab is backed up (and written) where it really lives.
    data: { text, encoding, realPath: ctx.target.toTargetPath(await ctx.target.resolve(FSTAB_PATH)) },
  });
  return findings;
}

function planData(plan: Plan): FstabPlanData {
  const d = plan.data as FstabPlanData | undefined;
  if (!d || typeof d.before !== 'string' || typeof d.after !== 'string' || !Array.isArray(d.lineMap)) {
    throw new FirstaidError('bad-plan', 'The fstab plan lacks the file text it was made from.', 'Run the diagnosis again and make a new plan.');
  }
  return d;
}

/** Finding ids of the new file translated back to the original line numbers, so verify compares like with like. */
function mapBack(findings: Finding[], lineMap: number[]): Finding[] {
  return findings.map((f) => {
    const m = /^(fstab\.[a-z-]+):(\d+)$/.exec(f.id);
    const orig = m ? lineMap[Number(m[2]) - 1] : undefined;
    return m && orig !== undefined ? { ...f, id: `${m[1]}:${orig}` } : f;
  });
}

export const fstabPlugin: RescuePlugin = {
  id: PLUGIN_ID,
  title: 'File systems table (fstab)',
  description: 'Checks /etc/fstab against the disks (like findmnt --verify) and repairs stale UUIDs and broken lines.',
  diagnose: diagnoseFstab,
  plan: (findings, system, choices) => planFstab(findings, system, choices),
  async apply(plan, ctx) {
    const edit = plan.actions.find((a) => a.kind === 'edit-file' && a.path === FSTAB_PATH);
    const d = planData(plan);
    const now = (await readFstab(ctx))?.text;
    if (now !== d.before) {
      throw new FirstaidError('fstab-changed', '/etc/fstab changed since it was diagnosed.', 'Nothing was written. Run the diagnosis again and make a new plan.');
    }
    for (const dir of d.mkdirs ?? []) {
      if (await ctx.target.exists(dir)) continue;
      ctx.progress(`creating the mount point ${dir}`);
      await ctx.target.mkdirp(dir, 0o755);
    }
    if (!edit || edit.kind !== 'edit-file') return;
    ctx.progress('writing /etc/fstab');
    const bytes = Buffer.from(edit.after, d.encoding === 'latin1' ? 'latin1' : 'utf8');
    await ctx.target.writeFileAtomic(FSTAB_PATH, bytes);
    const back = (await readFstab(ctx))?.text;
    if (back !== edit.after) throw new FirstaidError('fstab-write', '/etc/fstab does not read back as written.', 'The backup will be restored; check the disk for errors (dmesg).');
  },
  async verify(plan, ctx) {
    const after = await diagnoseFstab(ctx);
    const d = plan.data as FstabPlanData | undefined;
    return Array.isArray(d?.lineMap) ? mapBack(after, d.lineMap) : after;
  },
};
