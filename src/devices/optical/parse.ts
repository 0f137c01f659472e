/**
 * Pure parsers of xorriso's output (the `-pkt_output on` form: "R:1: ..." result lines and
 * "I:1: ..." info lines). Fixture transcripts in test/fixtures/xorriso/ are real runs.
 * Exit codes are not trusted alone (field notes: -compare_r always 0, summaries can lie).
 */
import type { DiscSession, MediaState, MediaStatus, SpaceReport, WriteProgress } from './types.js';

export interface XorrisoLine {
  channel: 'R' | 'I' | '';
  text: string;
}

/** Splits output into lines with their channel ("" for lines without a packet prefix, e.g. the banner). */
export function splitPackets(output: string): XorrisoLine[] {
  const out: XorrisoLine[] = [];
  for (const raw of output.split(/\r?\n/)) {
    const m = /^([RI]):\d+: ?(.*)$/.exec(raw);
    if (m) out.push({ channel: m[1] as 'R' | 'I', text: m[2]! });
    else if (raw.trim()) out.push({ channel: '', text: raw });
  }
  return out;
}

const results = (lines: XorrisoLine[]) => lines.filter((l) => l.channel === 'R').map((l) => l.text);

function field(texts: string[], name: string): string | undefined {
  const re = new RegExp(`^${name}\\s*:\\s*(.*)$`);
  for (const t of texts) {
    const m = re.exec(t);
    if (m) return m[1]!.trim();
  }
  return undefined;
}

function statusOf(s: string | undefined): MediaStatus {
  if (!s) return 'unknown';
  if (/is blank/.test(s)) return 'blank';
  if (/is closed/.test(s)) return 'closed';
  if (/is appendable/.test(s)) return 'appendable';
  if (/is not present|no media/i.test(s)) return 'absent';
  return 'unknown';
}

export function isRewritableProfile(profile: string): boolean {
  return /overwriteable|RW|RE\b|RAM/i.test(profile) && !/ROM/.test(profile);
}

/** The result lines of `-toc` (on -indev or -outdev). */
export function parseToc(output: string): MediaState {
  const r = results(splitPackets(output));
  const profile = field(r, 'Media current') ?? '';
  const status = statusOf(field(r, 'Media status'));
  const sessions: DiscSession[] = [];
  for (const t of r) {
    const m = /^(ISO|Other) session\s*:\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)s\s*,\s?(.*)$/.exec(t);
    if (m) sessions.push({ index: Number(m[2]), startLba: Number(m[3]), blocks: Number(m[4]), volid: m[5]!.trim(), iso: m[1] === 'ISO' });
  }
  const summary = field(r, 'Media summary') ?? '';
  const dataBlocks = Number(/(\d+) data blocks/.exec(summary)?.[1] ?? 0);
  const nwaText = field(r, 'Media nwa');
  const blocksText = field(r, 'Media blocks');
  const offers = (field(r, 'ISO offers') ?? '').split(/\s+/).filter(Boolean);
  const last = sessions.filter((s) => s.iso).at(-1);
  return {
    profile,
    status: profile === '' && status === 'unknown' ? 'absent' : status,
    rewritable: isRewritableProfile(profile),
    sessions,
    dataBlocks,
    nwa: nwaText ? Number(/(\d+)s?/.exec(nwaText)?.[1] ?? 0) : null,
    readableBlocks: blocksText ? Number(/(\d+) readable/.exec(blocksText)?.[1] ?? 0) : null,
    writableBlocks: blocksText ? Number(/(\d+) writable/.exec(blocksText)?.[1] ?? 0) : null,
    volid: last?.volid ?? '',
    offers,
  };
}

/** `-print_size -tell_media_space`: "Image size : 288s", "Media space : 5024s", "After commit : -1312s". */
export function parseSpace(output: string): SpaceReport {
  const r = results(splitPackets(output));
  const num = (name: string): number => {
    const v = field(r, name);
    const m = v ? /^(-?\d+)s/.exec(v) : null;
    if (!m) throw new Error(`xorriso gave no "${name}" line`);
    return Number(m[1]);
  };
  return { imageBlocks: num('Image size'), mediaBlocks: num('Media space'), afterCommitBlocks: num('After commit') };
}

const PROGRESS = /Writing:\s+(\d+)s\s+([\d.]+)%\s+fifo\s+(\d+)%\s+buf\s+(\d+)%(?:\s+([\d.]+)x([CDB]))?/;

export function parseProgress(line: string): WriteProgress | null {
  const m = PROGRESS.exec(line);
  if (!m) return null;
  return { blocks: Number(m[1]), percent: Number(m[2]), fifo: Number(m[3]), buf: Number(m[4]), speed: m[5] ? Number(m[5]) : null };
}

export interface MediaRegion {
  lba: number;
  blocks: number;
  quality: string;
  good: boolean;
}

export interface CheckMediaReport {
  regions: MediaRegion[];
  /** Session MD5 tag ranges: start, blocks, whether they matched. */
  tags: { lba: number; blocks: number; ok: boolean; result: string }[];
  /** Files xorriso names as lying on bad blocks ("File damaged"). */
  damagedFiles: string[];
}

/** `-check_media ... report=blocks_files`. Regions "untested"/"off_track" are gaps, not damage. */
export function parseCheckMedia(output: string): CheckMediaReport {
  const r = results(splitPackets(output));
  const regions: MediaRegion[] = [];
  const tags: CheckMediaReport['tags'] = [];
  const damagedFiles: string[] = [];
  for (const t of r) {
    let m = /^Media region\s*:\s*(\d+)\s*,\s*(\d+)\s*,\s*([-+0])\s*(\S+)/.exec(t);
    if (m) {
      const quality = m[4]!;
      regions.push({ lba: Number(m[1]), blocks: Number(m[2]), quality, good: m[3] !== '-' });
      continue;
    }
    m = /^MD5 tag range\s*:\s*(\d+)\s*,\s*(\d+)\s*,\s*([+-])\s*(\S+)/.exec(t);
    if (m) {
      tags.push({ lba: Number(m[1]), blocks: Number(m[2]), ok: m[3] === '+', result: m[4]! });
      continue;
    }
    m = /^File damaged\s*:.*?'(.*)'\s*$/.exec(t);
    if (m) damagedFiles.push(m[1]!);
  }
  return { regions, tags, damagedFiles };
}

export interface CheckMd5Report {
  mismatched: string[];
  unreadable: string[];
  /** The summary said every file matched (not trusted alone). */
  summaryOk: boolean;
  /** No MD5 array could be loaded (damaged, or a disc written without -md5 on). */
  noChecksums: boolean;
}

/** `-check_md5_r FAILURE / --`: parse the per-file lines, since its summary can lie. */
export function parseCheckMd5(output: string): CheckMd5Report {
  const mismatched: string[] = [];
  const unreadable: string[] = [];
  let summaryOk = false;
  let noChecksums = false;
  for (const { text } of splitPackets(output)) {
    if (/Not a single file with MD5 checksum was found|MD5 checksum array appears damaged/.test(text)) noChecksums = true;
    let m = /MD5 MISMATCH:\s*'(.*)'\s*$/.exec(text);
    if (m) mismatched.push(m[1]!);
    m = /NOT READABLE:\s*'(.*)'\s*$/.exec(text);
    if (m) unreadable.push(m[1]!);
    if (/File contents and their MD5 checksums match/.test(text)) summaryOk = true;
  }
  return { mismatched, unreadable, summaryOk, noChecksums };
}

/** "ISO image size 143s larger than readable size 137s": the image (or disc) is cut short. */
export function parseTruncation(output: string): { imageBlocks: number; readableBlocks: number } | null {
  const m = /ISO image size (\d+)s larger than readable size (\d+)s/.exec(output);
  return m ? { imageBlocks: Number(m[1]), readableBlocks: Number(m[2]) } : null;
}

/** `-find / -type f --`: one quoted path a result line. */
export function parseFindFiles(output: string): string[] {
  return results(splitPackets(output)).map((t) => /^'(.*)'$/.exec(t)?.[1]).filter((p): p is string => p !== undefined).map((p) => p.replace(/'"'"'/g, "'"));
}

export interface FileExtent {
  /** Extent number of a multi-extent file (0 for most). */
  xt: number;
  lba: number;
  blocks: number;
  size: number;
}

/** `-find / -type f -exec report_lba --`: where each file's data lies on the medium. */
export function parseReportLba(output: string): Map<string, FileExtent[]> {
  const out = new Map<string, FileExtent[]>();
  for (const t of results(splitPackets(output))) {
    const m = /^File data lba:\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*'(.*)'$/.exec(t);
    if (!m) continue;
    const path = m[5]!.replace(/'"'"'/g, "'");
    const list = out.get(path) ?? [];
    list.push({ xt: Number(m[1]), lba: Number(m[2]), blocks: Number(m[3]), size: Number(m[4]) });
    out.set(path, list.sort((a, b) => a.xt - b.xt));
  }
  return out;
}
