/**
 * Discs (CD/DVD), every state: the drives (a real one and a pseudo-drive typed), the staged day;
 * a drive's media; the write form (backups, a directory, size against the free room, [TOO BIG]),
 * the yes/no, progress with a gauge and an ETA from the percentage, the result with the check;
 * verify (damaged files with their backup, unreadable sectors); revert from the disc; eject;
 * stage from peers; a failed write offering retry and a new disc. Each frame: 80x25, ASCII.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderApp, assertConsoleSafe, DOWN, ENTER, ESC, UP, type Harness } from './screens-harness.js';
import { Gate, standIn } from './screens-standin.js';
import { FirstaidError } from '../../src/core/errors.js';
import type { OnProgress, Services } from '../../src/screens/services.js';
import type { DiscJob, DiscStatus, DiscVerifyResult, DrivesValue, SourcesValue, WriteSummary } from '../../src/screens/discs-state.js';

const ID = 'grub/20261201T204500Z-1a2b3c';

function status(drive: string, extra: Partial<DiscStatus> = {}): DiscStatus {
  return {
    drive, kind: drive.startsWith('/dev/sr') ? 'drive' : 'file', profile: 'DVD+RW', status: 'appendable', closed: false, foreign: false, rewritable: true,
    volid: 'FIRSTAID_20261201', sessions: [{ index: 1, startLba: 0, blocks: 1200, volid: 'FIRSTAID_20261201', iso: true }],
    usedBlocks: 1200, freeBlocks: 2_000_000, capacityBlocks: 2_295_104,
    backups: [{ id: ID, pluginId: 'grub', dir: `/2026/12/01/${ID}`, volid: 'FIRSTAID_20261201', files: 5, bytes: 8192 }],
    directories: ['/2026/12/01/home'], problems: [], ...extra,
  };
}

const DRIVES: DrivesValue = {
  rows: [{ path: '/dev/sr0', vendor: 'QEMU', model: 'QEMU DVD-ROM', media: 'DVD+RW', status: 'appendable', sessions: 1, volid: 'FIRSTAID_20261201' }],
  staged: [{ name: '127.0.0.2', files: 3, bytes: 4096 }],
};
const SOURCES: SourcesValue = { backups: [{ id: ID, pluginId: 'grub', created: '2026-12-01T20:45:00Z', size: 4096 }], staged: DRIVES.staged };

function written(check: DiscVerifyResult): WriteSummary {
  return { mode: 'append', volid: 'FIRSTAID_20261202', imageBlocks: 900, freeBlocks: 2_000_000, files: 7, bytes: 1 << 20, backups: [ID], directories: ['/2026/12/02/home'], check, indicators: ['/st/2026/12/02/firstaid.store'] };
}

function verified(ok: boolean): DiscVerifyResult {
  return {
    ok, verdict: ok ? 'intact' : 'damaged', firstaidDisc: true, drive: '/dev/sr0', sessions: status('/dev/sr0').sessions, volid: 'FIRSTAID_20261201',
    unreadable: ok ? [] : [{ lba: 300, blocks: 16 }], badSessionTags: [],
    damaged: ok ? [] : [{ path: `/2026/12/01/${ID}/objects/ab`, backup: ID, why: ['md5 mismatch', 'sha256 differs'] }],
    backups: [{ id: ID, dir: `/2026/12/01/${ID}`, ok, problems: ok ? [] : ['object ab differs'] }], reader: 'kernel-iso9660', filesChecked: 9, problems: [], summary: ok ? 'intact' : 'damaged',
  };
}

type Impl = (job: DiscJob, onProgress: OnProgress) => Promise<unknown>;

function withDiscs(over: Partial<Record<DiscJob['op'], Impl>> = {}) {
  const s = standIn();
  const jobs: DiscJob[] = [];
  const reads = { status: 0 };
  const base: Record<DiscJob['op'], Impl> = {
    drives: async () => DRIVES,
    status: async (j) => status((j as { drive: string }).drive),
    sources: async () => SOURCES,
    size: async () => ({ files: 7, bytes: 1 << 20, blocks: 700 }),
    write: async () => written(verified(true)),
    verify: async () => verified(true),
    revert: async (j) => ({ backupId: (j as { backupId: string }).backupId, ok: true, error: null, changedSinceFix: [], restored: ['/boot/grub (directory)'] }),
    rebuild: async () => ({ ...written(verified(true)), mode: 'new', days: ['2026-11-30', '2026-12-01'], gone: [] }),
    eject: async () => ({ ejected: true, message: 'The disc in /dev/sr0 was ejected.' }),
    stage: async () => ({ dir: '/var/lib/firstaid/staging/2026/12/02', lines: [{ name: '127.0.0.2', state: 'staged', text: '127.0.0.2: 3 file(s), 4.0 KiB, each checked' }, { name: 'lazy', state: 'not-ready', text: 'lazy: no cback.collect yet' }] }),
  };
  const impl = { ...base, ...over };
  const services: Services = {
    ...s,
    disc: async (job, onProgress) => {
      jobs.push(job);
      const v = await impl[job.op](job, onProgress);
      if (job.op === 'status') reads.status++;
      return v;
    },
  };
  return { services, jobs, reads };
}

async function see(h: Harness, what: string | RegExp): Promise<string> {
  const f = await h.waitFor(what);
  assertConsoleSafe(f);
  return f;
}

/** The media was read `n` times and is on screen (keys wait while it is read). */
async function mediaRead(h: Harness, reads: { status: number }, n: number): Promise<string> {
  await h.waitFor(() => reads.status >= n && !h.frame().includes('Reading the media'));
  return see(h, 'Eject  (e)');
}

async function toDrives(services: Services): Promise<Harness> {
  const h = renderApp(services);
  await see(h, 'Discs (CD/DVD)  (d)');
  h.write('d');
  await see(h, 'Choose the system whose backups go on disc');
  await h.waitFor('Evidence for');
  h.write(ENTER);
  await see(h, '/dev/sr0  QEMU QEMU DVD-ROM  appendable  FIRSTAID_20261201');
  return h;
}

test('discs: drives and the staged day, a drive\'s media, write with size, progress with ETA, the check', async () => {
  const gate = new Gate();
  const { services, jobs, reads } = withDiscs({
    write: async (_j, onProgress) => {
      onProgress({ step: 'Writing: 25.0%, 4.0x', fraction: 0.25 });
      await gate.wait();
      return written(verified(true));
    },
  });
  const h = await toDrives(services);
  try {
    let f = await see(h, 'Staged for today');
    assert.match(f, /127\.0\.0\.2: 3 file\(s\), 4\.0 KiB/);
    h.write(ENTER);
    f = await see(h, 'Media: [APPENDABLE]  DVD+RW, rewritable');
    assert.match(f, /Sessions: 1 {3}Used: 2\.3 MiB {3}Free: 3906\.3 MiB {3}Label: FIRSTAID_20261201/);
    assert.match(f, /Holds 1 backup\(s\) and 1 directory\(ies\)/);
    h.write('w');
    f = await see(h, `[ ] ${ID}  4.0 KiB`);
    assert.match(f, /Staged for today/);
    h.write(' ');
    f = await see(h, '[FITS] 7 file(s), about 1.4 MiB of 3906.3 MiB free');
    h.write(`${DOWN}${ENTER}`);
    await see(h, 'Directory: > _');
    h.write(`/home${ENTER}`);
    await see(h, '[x] directory /home');
    await h.waitFor(() => jobs.some((j) => j.op === 'size' && j.sources.dirs.includes('/home')));
    assert.deepEqual(jobs.filter((j) => j.op === 'size').at(-1), { op: 'size', sources: { backups: [ID], dirs: ['/home'] }, staging: '/var/lib/firstaid/staging' });
    h.write(`${DOWN}${DOWN}${DOWN}${ENTER}`);
    f = await see(h, 'Write 2 source(s) and 1 staged item(s) to /dev/sr0?');
    assert.match(f, /A new session is added/);
    h.write('y');
    f = await see(h, 'Writing: 25.0%, 4.0x');
    assert.match(f, /Writing to \/dev\/sr0/);
    assert.match(f, /\[#+-+\] +25%/, 'a gauge');
    f = await see(h, /ETA \d+:\d\d/);
    assert.equal(h.quit.called, false);
    // Quitting asks, and says a burn is not cut short; "n" goes back to the write.
    h.write('q');
    await see(h, 'A disc write cannot be stopped midway');
    h.write('n');
    await see(h, 'Writing: 25.0%, 4.0x');
    assert.equal(h.quit.called, false);
    gate.release();
    f = await see(h, '[DONE] Wrote a new session FIRSTAID_20261202: 1.8 MiB of 3906.3 MiB free.');
    assert.match(f, /backup grub\/20261201T204500Z-1a2b3c/);
    assert.match(f, /\[INTACT\] 1 session\(s\), 9 file\(s\) read back \(kernel-iso9660\), 1 backup\(s\)/);
    assert.deepEqual(jobs.find((j) => j.op === 'write'), { op: 'write', drive: '/dev/sr0', sources: { backups: [ID], dirs: ['/home'] }, newDisc: false, staging: '/var/lib/firstaid/staging', media: 'dvd' });
    h.write(ENTER);
    await mediaRead(h, reads, 2);
    assert.equal(jobs.at(-1)?.op, 'status', 'the media is read again after a write');
  } finally {
    h.unmount();
  }
});

test('discs: a pseudo-drive typed; too big; verify names damaged files, their backup, unreadable sectors', async () => {
  const { services, jobs } = withDiscs({
    status: async (j) => status((j as { drive: string }).drive, { kind: 'file', profile: 'stdio file, overwriteable', freeBlocks: 500, backups: [], directories: [] }),
    verify: async () => verified(false),
  });
  const h = await toDrives(services);
  try {
    // The medium an image file stands for: Enter walks cd650, cd700, dvd, dvd-dl, bd.
    await see(h, 'Image file is a:  dvd (4482.6 MiB)');
    h.write(`${DOWN}${DOWN}${ENTER}${ENTER}${ENTER}${ENTER}`);
    await see(h, 'Image file is a:  cd700 (703.1 MiB)');
    assert.match(h.frame(), /size of disc an image file stands for/);
    h.write(`${UP}${ENTER}`);
    await see(h, 'Pseudo-drive: > _');
    h.write(`/srv/q.iso${ENTER}`);
    let f = await see(h, 'Discs (CD/DVD) - /srv/q.iso');
    f = await see(h, 'Free: 1.0 MiB');
    assert.equal(h.quit.called, false, "a 'q' typed into the path is text");
    h.write('w');
    await see(h, `[ ] ${ID}`);
    h.write(ENTER);
    f = await see(h, '[TOO BIG] 7 file(s), about 1.4 MiB of 1.0 MiB free');
    h.write(ESC);
    await see(h, 'Verify this disc  (v)');
    h.write('v');
    f = await see(h, '[DAMAGED]');
    assert.match(f, /objects\/ab {2}\[backup/);
    assert.match(f, /grub\/20261201T204500Z-1a2b3c\]: md5 mismatch, sha256 differs/);
    assert.match(f, /Unreadable sectors: blocks 300\.\.315/);
    assert.match(f, /Backup grub\/20261201T204500Z-1a2b3c fails its own check/);
    assert.deepEqual(jobs.find((j) => j.op === 'verify'), { op: 'verify', drive: '/srv/q.iso', media: 'cd700' });
    assert.deepEqual(jobs.find((j) => j.op === 'status'), { op: 'status', drive: '/srv/q.iso', media: 'cd700' }, 'the media read against the chosen capacity');
  } finally {
    h.unmount();
  }
});

test('discs: revert from the disc lists backups by plugin, asks, reverts; eject; rebuild asks', async () => {
  const { services, jobs, reads } = withDiscs();
  const h = await toDrives(services);
  try {
    h.write(ENTER);
    await mediaRead(h, reads, 1);
    h.write('b');
    let f = await see(h, 'Revert from the disc in /dev/sr0');
    assert.match(f, /grub:[\s\S]*> 20261201T204500Z-1a2b3c {2}5 file\(s\), 8\.0 KiB {2}\(FIRSTAID_20261201\)/);
    h.write(ENTER);
    await see(h, `Revert of ${ID} from the disc?`);
    h.write('y');
    f = await see(h, `[DONE] ${ID} was put back from the disc.`);
    assert.match(f, /\/boot\/grub \(directory\)/);
    assert.deepEqual(jobs.find((j) => j.op === 'revert'), { op: 'revert', drive: '/dev/sr0', backupId: ID });
    h.write(ENTER);
    await mediaRead(h, reads, 2);
    h.write('e');
    await see(h, '[DONE] The disc in /dev/sr0 was ejected.');
    h.write(ENTER);
    await mediaRead(h, reads, 3);
    h.write('n');
    f = await see(h, 'Rebuild this week onto a new disc in /dev/sr0?');
    assert.match(f, /blanked first/);
    h.write('y');
    f = await see(h, '[DONE] Rebuilt 2 day(s) onto a new disc FIRSTAID_20261202');
  } finally {
    h.unmount();
  }
});

test('discs: a failed write offers retry and a new disc', async () => {
  let n = 0;
  const { services, jobs, reads } = withDiscs({
    write: async () => {
      n++;
      throw new FirstaidError('disc-write-failed', 'Writing to /dev/sr0 failed: Medium error.', 'Retry, or write a new disc (--new on rewritable media, or a blank one).');
    },
  });
  const h = await toDrives(services);
  try {
    h.write(ENTER);
    await mediaRead(h, reads, 1);
    h.write('w');
    await see(h, `[ ] ${ID}`);
    h.write(' ');
    await see(h, '[FITS]');
    h.write(`${DOWN}${DOWN}${DOWN}${ENTER}y`);
    let f = await see(h, '[ERROR] The disc was not written');
    assert.match(f, /What to do: Retry, or write a new disc/);
    assert.match(f, /r retry {2}n new disc/);
    h.write('r');
    await h.waitFor(() => n === 2);
    await see(h, '[ERROR] The disc was not written');
    h.write('n');
    f = await see(h, 'A new disc: rewritable media are blanked first');
    h.write('y');
    await h.waitFor(() => n === 3);
    assert.equal((jobs.filter((j) => j.op === 'write').at(-1) as { newDisc: boolean }).newDisc, true);
    f = await see(h, '[ERROR] The disc was not written');
    assert.doesNotMatch(f, /n new disc/, 'a new disc that failed offers a retry only');
  } finally {
    h.unmount();
  }
});

test('discs: stage from peers asks for the pool file, shows each peer, then what is staged', async () => {
  const gate = new Gate();
  const { services, jobs } = withDiscs({
    stage: async (_j, onProgress) => {
      onProgress({ step: '127.0.0.2: staging 1.0 KiB of 4.0 KiB', fraction: 0.25 });
      await gate.wait();
      return { dir: '/var/lib/firstaid/staging/2026/12/02', lines: [{ name: '127.0.0.2', state: 'staged', text: '127.0.0.2: 3 file(s), 4.0 KiB, each checked' }, { name: 'lazy', state: 'not-ready', text: 'lazy: no cback.collect yet' }, { name: 'gone', state: 'unreachable', text: 'gone: host down' }] };
    },
  });
  const h = await toDrives(services);
  try {
    h.write(`${DOWN}${DOWN}${DOWN}${DOWN}${ENTER}`);
    await see(h, 'Pool file: > /etc/firstaid/peers.json_');
    h.write(ENTER);
    let f = await see(h, '127.0.0.2: staging 1.0 KiB of 4.0 KiB');
    assert.match(f, /Staging from peers/);
    gate.release();
    f = await see(h, '[STAGED] 127.0.0.2: 3 file(s), 4.0 KiB, each checked');
    assert.match(f, /\[NOT READY\] lazy/);
    assert.match(f, /\[UNREACHABLE\] gone: host down/);
    assert.deepEqual(jobs.find((j) => j.op === 'stage'), { op: 'stage', pool: '/etc/firstaid/peers.json', staging: '/var/lib/firstaid/staging' });
    h.write(ENTER);
    await see(h, 'Staged for today');
    assert.equal(jobs.at(-1)?.op, 'drives', 'the staged day is read again');
  } finally {
    h.unmount();
  }
});

test('discs: media that cannot be read, a foreign disc, a closed one; an empty disc has nothing to revert', async () => {
  let n = 0;
  const { services } = withDiscs({
    status: async (j) => {
      n++;
      const drive = (j as { drive: string }).drive;
      if (n === 1) throw new FirstaidError('drive-unreadable', `The media in ${drive} cannot be read: no medium.`, 'Check that a disc is in the drive (or that the image file is one), then try again.');
      if (n === 2) return status(drive, { foreign: true, volid: 'UBUNTU_22', backups: [], directories: [] });
      return status(drive, { status: 'closed', closed: true, freeBlocks: 0 });
    },
  });
  const h = await toDrives(services);
  try {
    h.write(ENTER);
    let f = await see(h, '[ERROR] The media could not be read.');
    assert.match(f, /no medium\./);
    assert.match(f, /What to do: Check that a disc is in the drive/);
    h.write('l');
    f = await see(h, 'Media: [FOREIGN (not written by firstaid)]');
    assert.match(f, /Label: UBUNTU_22/);
    h.write('b');
    await see(h, '[NONE] There are no backups on this disc.');
    h.write(ESC);
    await see(h, 'Eject  (e)');
    h.write('l');
    f = await see(h, 'Media: [CLOSED]');
    assert.match(f, /Free: 0\.0 MiB/);
  } finally {
    h.unmount();
  }
});

test('discs: verify of a disc firstaid did not write says it cannot be verified without checksums, not damaged', async () => {
  const { services, reads } = withDiscs({
    verify: async () => ({ ...verified(true), ok: false, verdict: 'unverifiable', firstaidDisc: false, volid: 'Debian 12', backups: [], summary: 'carries no MD5 checksums' }),
  });
  const h = await toDrives(services);
  try {
    h.write(ENTER);
    await mediaRead(h, reads, 1);
    h.write('v');
    const f = await see(h, '[CANNOT VERIFY]');
    assert.match(f, /Not a firstaid backup disc \(volume Debian 12\)/);
    assert.doesNotMatch(f, /DAMAGED/);
  } finally {
    h.unmount();
  }
});
