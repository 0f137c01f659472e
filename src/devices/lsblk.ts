/**
 * Block devices: `lsblk -J -b` gives the tree; without udev (a bare live system, this test
 * machine) lsblk leaves filesystem and partition-table fields empty, so each node is also
 * probed directly with `blkid -p` (read-only). Partition offsets come from sysfs.
 */
import { readFile } from 'node:fs/promises';
import type { Runner } from '../core/runner.js';
import type { BlockDevice } from './types.js';

export const LSBLK_COLUMNS = 'NAME,KNAME,PATH,TYPE,SIZE,START,FSTYPE,UUID,LABEL,PARTUUID,PARTLABEL,PARTTYPE,PTTYPE,PTUUID,PKNAME,SERIAL,MODEL,RO,MOUNTPOINTS';

type Json = Record<string, unknown>;

function str(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' ? null : t;
}

function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v.trim());
  return null;
}

function bool(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 'true';
}

function node(j: Json, parent: string | null): BlockDevice {
  const name = str(j.name) ?? str(j.kname) ?? '?';
  const mps = Array.isArray(j.mountpoints) ? j.mountpoints : j.mountpoint !== undefined ? [j.mountpoint] : [];
  const start = num(j.start);
  const dev: BlockDevice = {
    name,
    path: str(j.path) ?? `/dev/${name}`,
    type: str(j.type) ?? 'unknown',
    size: num(j.size) ?? 0,
    fstype: str(j.fstype),
    uuid: str(j.uuid),
    label: str(j.label),
    partuuid: str(j.partuuid),
    partlabel: str(j.partlabel),
    parttype: str(j.parttype)?.toLowerCase() ?? null,
    partn: null,
    // lsblk START is in 512-byte sectors.
    start: start === null ? null : start * 512,
    pttype: str(j.pttype),
    ptuuid: str(j.ptuuid),
    pkname: str(j.pkname) ?? parent,
    serial: str(j.serial),
    model: str(j.model),
    ro: bool(j.ro),
    mountpoints: mps.filter((m): m is string => typeof m === 'string' && m !== ''),
    children: [],
  };
  const kids = Array.isArray(j.children) ? (j.children as Json[]) : [];
  dev.children = kids.map((k) => node(k, name));
  return dev;
}

/** Pure: `lsblk -J -b` output -> device tree. */
export function parseLsblkJson(text: string): BlockDevice[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`lsblk printed something that is not JSON: ${(e as Error).message}`);
  }
  const list = (parsed as { blockdevices?: unknown }).blockdevices;
  if (!Array.isArray(list)) throw new Error('lsblk JSON has no "blockdevices" list');
  return (list as Json[]).map((j) => node(j, null));
}

/** Pure: `blkid -p -o export` output -> KEY=VALUE map. */
export function parseBlkidExport(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

/** Pure: fills the fields lsblk left empty from a blkid probe of the same node. */
export function mergeProbe(dev: BlockDevice, p: Record<string, string>): BlockDevice {
  const pick = (cur: string | null, ...keys: string[]): string | null => {
    if (cur !== null) return cur;
    for (const k of keys) if (p[k]) return p[k]!;
    return null;
  };
  const partn = dev.partn ?? (p.PART_ENTRY_NUMBER && /^\d+$/.test(p.PART_ENTRY_NUMBER) ? Number(p.PART_ENTRY_NUMBER) : null);
  return {
    ...dev,
    fstype: pick(dev.fstype, 'TYPE'),
    uuid: pick(dev.uuid, 'UUID'),
    label: pick(dev.label, 'LABEL'),
    partuuid: pick(dev.partuuid, 'PART_ENTRY_UUID'),
    partlabel: pick(dev.partlabel, 'PART_ENTRY_NAME'),
    parttype: pick(dev.parttype, 'PART_ENTRY_TYPE')?.toLowerCase() ?? null,
    pttype: pick(dev.pttype, 'PTTYPE'),
    ptuuid: pick(dev.ptuuid, 'PTUUID'),
    partn,
  };
}

/** Every node of the trees, depth first (parents before children). */
export function flattenDevices(devs: readonly BlockDevice[]): BlockDevice[] {
  const out: BlockDevice[] = [];
  const walk = (d: BlockDevice): void => {
    out.push(d);
    d.children.forEach(walk);
  };
  devs.forEach(walk);
  return out;
}

async function sysNumber(name: string, attr: string): Promise<number | null> {
  try {
    const t = (await readFile(`/sys/class/block/${name}/${attr}`, 'utf8')).trim();
    return /^\d+$/.test(t) ? Number(t) : null;
  } catch {
    return null;
  }
}

async function enrich(runner: Runner, dev: BlockDevice): Promise<BlockDevice> {
  const children = await Promise.all(dev.children.map((c) => enrich(runner, c)));
  let d: BlockDevice = { ...dev, children };
  const r = await runner.run('blkid', ['-p', '-o', 'export', d.path], { readOnly: true, allowFailure: true, timeoutMs: 30_000 });
  if (r.exitCode === 0) d = mergeProbe(d, parseBlkidExport(r.stdout));
  if (d.type === 'part') {
    const start = await sysNumber(d.name, 'start');
    if (start !== null) d.start = start * 512;
    d.partn = d.partn ?? (await sysNumber(d.name, 'partition'));
  }
  return d;
}

/**
 * The device trees of the named devices (or of every device), with filesystem facts probed.
 * Read-only: runs in dry-run mode too.
 */
export async function listBlockDevices(runner: Runner, only?: string[], skip?: (d: BlockDevice) => boolean): Promise<BlockDevice[]> {
  const tree = (await queryLsblk(runner, only ?? [])) ?? [];
  // Skipped before probing: blkid on an empty optical drive can take long.
  return Promise.all(tree.filter((d) => !skip?.(d)).map((d) => enrich(runner, d)));
}

/**
 * The one lsblk query (every column firstaid reads, in bytes, as JSON), parsed; `args` adds
 * devices or -d. With `orNull`, a failing lsblk (no such device) gives null instead of throwing.
 */
export async function queryLsblk(runner: Runner, args: string[], o: { orNull?: boolean } = {}): Promise<BlockDevice[] | null> {
  const r = await runner.run('lsblk', ['-J', '-b', '-o', LSBLK_COLUMNS, ...args], { readOnly: true, timeoutMs: 60_000, allowFailure: o.orNull === true });
  if (r.exitCode !== 0) return null;
  return parseLsblkJson(r.stdout);
}
