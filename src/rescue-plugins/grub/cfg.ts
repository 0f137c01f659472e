/**
 * Pure grub.cfg reading: the boot entries (title, kernel, initrds, kernel arguments) and what
 * they name as the root filesystem. GRUB paths are relative to GRUB's root device: with a
 * separate /boot partition "/vmlinuz-x" means the target's /boot/vmlinuz-x.
 */

export interface GrubEntry {
  title: string;
  /** Path as written after "linux", device prefix "(hd0,1)" stripped. */
  kernel: string | null;
  initrds: string[];
  args: string[];
  /** root= value from the kernel arguments, e.g. "UUID=..." or "/dev/sda1". */
  root: string | null;
  line: number;
}

export interface GrubCfg {
  entries: GrubEntry[];
  /** Lines that use a kernel/initrd command outside any menuentry (e.g. in a loaded file). */
  looseKernels: string[];
}

/** Splits one line into words the way GRUB's script lexer mostly does (quotes, backslashes). */
export function splitWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let q: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === q) q = null;
      else if (c === '\\' && q === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") { q = c; inWord = true; continue; }
    if (c === '\\' && i + 1 < line.length) { cur += line[++i]; inWord = true; continue; }
    if (c === '#' && !inWord) break;
    if (/\s/.test(c)) {
      if (inWord) { out.push(cur); cur = ''; inWord = false; }
      continue;
    }
    cur += c;
    inWord = true;
  }
  if (inWord) out.push(cur);
  return out;
}

/** "(hd0,msdos1)/vmlinuz" -> "/vmlinuz"; "($root)/boot/x" -> "/boot/x". */
export function stripDevice(p: string): string {
  const m = /^\([^)]*\)(.*)$/.exec(p);
  return m ? m[1] || '/' : p;
}

export function parseGrubCfg(text: string): GrubCfg {
  const entries: GrubEntry[] = [];
  const looseKernels: string[] = [];
  const stack: (GrubEntry | null)[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const words = splitWords(lines[n]!);
    if (words.length === 0) continue;
    const cmd = words[0]!;
    const cur = [...stack].reverse().find((e) => e) ?? null;
    if (cmd === 'menuentry' || cmd === 'submenu') {
      const e: GrubEntry | null = cmd === 'menuentry' ? { title: words[1] ?? '', kernel: null, initrds: [], args: [], root: null, line: n + 1 } : null;
      if (e) entries.push(e);
      if (words[words.length - 1] === '{') stack.push(e);
      continue;
    }
    if (cmd === '}') { stack.pop(); continue; }
    if (/^(linux|linux16|linuxefi)$/.test(cmd) && words[1]) {
      const kernel = stripDevice(words[1]);
      const args = words.slice(2);
      const rootArg = args.find((a) => a.startsWith('root='));
      if (cur) {
        cur.kernel = kernel;
        cur.args = args;
        cur.root = rootArg ? rootArg.slice(5) : null;
      } else looseKernels.push(kernel);
      continue;
    }
    if (/^(initrd|initrd16|initrdefi)$/.test(cmd) && cur) cur.initrds.push(...words.slice(1).map(stripDevice));
    // Lines that open blocks (if/for/function) are not tracked: GRUB's braces only matter for entries.
    if (words[words.length - 1] === '{' && cmd !== 'menuentry') stack.push(null);
  }
  return { entries, looseKernels };
}

/** The target path of a GRUB path: prefix "/boot" when /boot is a separate filesystem. */
export function targetPathOf(grubPath: string, separateBoot: boolean): string {
  if (!separateBoot) return grubPath;
  return `/boot${grubPath.startsWith('/') ? '' : '/'}${grubPath}`;
}

/** Whether a root= value names the root filesystem given its identifiers. */
export function rootMatches(value: string, root: { uuid: string | null; partuuid: string | null; label: string | null; device: string }): boolean | null {
  const [k, ...rest] = value.split('=');
  const v = rest.join('=');
  if (rest.length > 0) {
    switch (k) {
      case 'UUID': return root.uuid !== null && v.toLowerCase() === root.uuid.toLowerCase();
      case 'PARTUUID': return root.partuuid !== null && v.toLowerCase() === root.partuuid.toLowerCase();
      case 'LABEL': return root.label !== null && v === root.label;
      default: return null;
    }
  }
  if (value.startsWith('/dev/disk/by-uuid/')) return root.uuid !== null && value.slice(18).toLowerCase() === root.uuid.toLowerCase();
  // /dev/sdX names differ between the live system and the booted one: cannot be judged here.
  return null;
}

/** Whether grub.cfg loads Boot Loader Specification entries (Fedora/RHEL: "blscfg"). */
export function usesBls(text: string): boolean {
  return text.split('\n').some((l) => splitWords(l)[0] === 'blscfg');
}

/** One /boot/loader/entries/*.conf file (BLS): title, linux, initrd, options. */
export function parseBlsEntry(text: string, name: string): GrubEntry {
  const e: GrubEntry = { title: name, kernel: null, initrds: [], args: [], root: null, line: 0 };
  for (const raw of text.split('\n')) {
    const m = /^\s*(\w+)\s+(.*?)\s*$/.exec(raw);
    if (!m || raw.trim().startsWith('#')) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'title') e.title = value;
    else if (key === 'linux') e.kernel = value;
    else if (key === 'initrd') e.initrds.push(...value.split(/\s+/));
    else if (key === 'options') e.args = value.split(/\s+/);
  }
  const rootArg = e.args.find((a) => a.startsWith('root='));
  e.root = rootArg ? rootArg.slice(5) : null;
  return e;
}
