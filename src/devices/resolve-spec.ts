/** fstab source specs (UUID=, LABEL=, PARTUUID=, PARTLABEL=, /dev/...) -> a device among the session's. Pure. */
import type { BlockDevice } from './types.js';

const BY_DIRS: Record<string, keyof BlockDevice> = {
  '/dev/disk/by-uuid/': 'uuid',
  '/dev/disk/by-label/': 'label',
  '/dev/disk/by-partuuid/': 'partuuid',
  '/dev/disk/by-partlabel/': 'partlabel',
};

const TAGS: Record<string, keyof BlockDevice> = { UUID: 'uuid', LABEL: 'label', PARTUUID: 'partuuid', PARTLABEL: 'partlabel' };

function unquote(s: string): string {
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.endsWith(s[0]) ? s.slice(1, -1) : s;
}

/** The device the spec names, or null. `flat` is every node (see flattenDevices). */
export function resolveSpec(spec: string, flat: readonly BlockDevice[]): BlockDevice | null {
  let key: keyof BlockDevice | undefined;
  let value: string | undefined;
  const m = /^([A-Z]+)=(.*)$/.exec(spec);
  if (m && TAGS[m[1]!]) {
    key = TAGS[m[1]!];
    value = unquote(m[2]!);
  } else {
    for (const [dir, k] of Object.entries(BY_DIRS)) {
      if (spec.startsWith(dir)) {
        key = k;
        value = spec.slice(dir.length).replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
      }
    }
  }
  if (key && value !== undefined) {
    // UUIDs and PARTUUIDs are compared without case; labels exactly.
    const ci = key === 'uuid' || key === 'partuuid';
    const want = ci ? value.toLowerCase() : value;
    return flat.find((d) => {
      const have = d[key!];
      return typeof have === 'string' && (ci ? have.toLowerCase() : have) === want;
    }) ?? null;
  }
  if (spec.startsWith('/dev/')) return flat.find((d) => d.path === spec) ?? null;
  return null;
}
