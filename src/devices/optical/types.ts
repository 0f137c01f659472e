/**
 * Optical drives and their media, as types. A real drive is addressed to xorriso as `mmc:` (so a
 * typo never falls back to a file); an image file or a loop device is a `stdio:` pseudo-drive.
 */

export type DriveKind = 'drive' | 'file' | 'loop';

export interface DiscDrive {
  /** What the person gave: /dev/sr0, /dev/loop3, /srv/disc.iso */
  path: string;
  kind: DriveKind;
  /** The xorriso address: mmc:/dev/sr0 or stdio:/path */
  address: string;
}

/** xorriso's "Media status" reduced to what a write decides on. */
export type MediaStatus = 'blank' | 'appendable' | 'closed' | 'absent' | 'unknown';

export interface DiscSession {
  index: number;
  /** First block (2048 bytes) of the session. */
  startLba: number;
  blocks: number;
  volid: string;
  /** false for "Other session" lines (no ISO 9660 filesystem there). */
  iso: boolean;
}

export interface MediaState {
  /** "stdio file, overwriteable", "DVD+RW", "CD-ROM", ... (xorriso's Media current). */
  profile: string;
  status: MediaStatus;
  /** Overwriteable or rewritable media (stdio, DVD+RW, CD-RW, BD-RE, DVD-RAM). */
  rewritable: boolean;
  sessions: DiscSession[];
  /** Blocks holding data (Media summary). */
  dataBlocks: number;
  /** Next writable address (blocks), when the media is appendable. */
  nwa: number | null;
  /** Readable blocks (Media blocks). */
  readableBlocks: number | null;
  /** Writable blocks (Media blocks): for a stdio file the host's free space, capped by media.ts. */
  writableBlocks: number | null;
  /** The last session's volume id, '' when none. */
  volid: string;
  /** ISO extensions offered by the loaded session ("Rock_Ridge", "Joliet"). */
  offers: string[];
}

/** What `-print_size -tell_media_space` say, in 2048-byte blocks. */
export interface SpaceReport {
  imageBlocks: number;
  mediaBlocks: number;
  afterCommitBlocks: number;
}

/** One progress line of a write. */
export interface WriteProgress {
  blocks: number;
  percent: number;
  fifo: number;
  buf: number;
  speed: number | null;
}

export const BLOCK = 2048;
