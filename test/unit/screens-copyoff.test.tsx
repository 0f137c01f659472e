/**
 * Copy off this machine: from the main menu through the system picker to the form; typing the
 * destination ('q' typed is text, not quit), type and level; progress with a gauge, bytes and
 * an ETA; the result; the archives there and extracting one; an error with what to do.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderApp, assertConsoleSafe, DOWN, ENTER } from './screens-harness.js';
import { Gate, standIn } from './screens-standin.js';
import { FirstaidError } from '../../src/core/errors.js';
import type { Services, OnProgress } from '../../src/screens/services.js';
import type { CopyJob } from '../../src/screens/copyoff-state.js';

function withArchive(impl: (job: CopyJob, onProgress: OnProgress) => Promise<unknown>) {
  const s = standIn();
  const jobs: CopyJob[] = [];
  const services: Services = { ...s, archive: async (job, onProgress) => { jobs.push(job); return impl(job, onProgress) as never; } };
  return { services, jobs, calls: s.calls };
}

async function toForm(services: Services) {
  const h = renderApp(services);
  await h.waitFor('Copy off this machine  (c)');
  h.write('c');
  await h.waitFor('Choose the system to copy from');
  await h.waitFor('Evidence for');
  h.write(ENTER);
  await h.waitFor('Source:       /home');
  return h;
}

test('copy off: form, typing, progress with bytes and ETA, result, list, extract', async () => {
  const gate = new Gate();
  const { services, jobs } = withArchive(async (job, onProgress) => {
    if (job.op === 'create') {
      onProgress({ step: 'Archiving: 1.0 MiB of 4.0 MiB', fraction: 0.25 });
      await gate.wait();
      return { url: job.url, name: 'home.tar.xz', level: 0, incremental: true, entries: 12, bytes: 4 << 20, archiveBytes: 1 << 20, sha256: 'ab'.repeat(32), warnings: ['"./run/s": socket ignored'] };
    }
    if (job.op === 'list') return [{ id: 'home', level: 0, keepingId: null, type: 'tar.xz', name: 'home.tar.xz', size: 1 << 20, entries: 12, created: '2026-12-01T22:00:00Z' }];
    return { id: job.id, level: job.level, dir: job.dir, levels: [{ level: 0, archive: 'home.tar.xz' }], entries: 12, bytes: 4 << 20 };
  });
  const h = await toForm(services);
  try {
    assertConsoleSafe(h.frame());
    h.write(`${DOWN}${ENTER}`);
    await h.waitFor('> _');
    h.write('sftp://fa@127.0.0.1/srv/q');
    await h.waitFor('> sftp://fa@127.0.0.1/srv/q_');
    assert.equal(h.quit.called, false, "a 'q' typed into the URL is text");
    h.write(ENTER);
    await h.waitFor('Destination:  sftp://fa@127.0.0.1/srv/q');
    h.write(`${DOWN}${ENTER}${ENTER}`);
    await h.waitFor('Type:         tar.zst');
    // Round the five types once more, to tar.xz.
    h.write(`${ENTER}${ENTER}${ENTER}${ENTER}`);
    await h.waitFor('Type:         tar.xz');
    h.write(`${DOWN}${ENTER}`);
    await h.waitFor('next level of the chain there (incremental)');
    h.write(`${DOWN}${ENTER}`);
    let f = await h.waitFor('Archiving: 1.0 MiB of 4.0 MiB');
    assertConsoleSafe(f);
    assert.match(f, /Copying \/home to sftp:\/\/fa@127\.0\.0\.1\/srv\/q/);
    assert.match(f, /\[#+-+\]|\d+%/, 'a gauge');
    assert.deepEqual(jobs[0], { op: 'create', source: '/home', url: 'sftp://fa@127.0.0.1/srv/q', type: 'tar.xz', incremental: true });
    gate.release();
    f = await h.waitFor('[DONE] home.tar.xz (level 0)');
    assert.match(f, /is at sftp:\/\/fa@127\.0\.0\.1\/srv\/q/);
    assert.match(f, /12 entries, 4\.0 MiB read; archive 1\.0 MiB/);
    assert.match(f, /warning: "\.\/run\/s": socket ignored/);
    h.write(ENTER);
    await h.waitFor('[ Start the copy ]');
    h.write(`${DOWN}${ENTER}`);
    f = await h.waitFor('Archives at sftp://fa@127.0.0.1/srv/q (Enter extracts):');
    assert.match(f, /home level 0 {2}tar\.xz {2}1\.0 MiB {2}12 entries/);
    h.write(`${DOWN}${ENTER}`);
    await h.waitFor('Extract into: > /root/restore-home_');
    h.write(ENTER);
    f = await h.waitFor('[DONE] "home" level 0 extracted into /root/restore-home');
    assert.match(f, /now holds 12 entries, 4\.0 MiB in files/);
    assert.deepEqual(jobs.map((j) => j.op), ['create', 'list', 'extract']);
  } finally {
    h.unmount();
  }
});

test('copy off: a failure says what happened and what to do', async () => {
  const { services } = withArchive(async () => {
    throw new FirstaidError('storage-host-key-unknown', 'The host key of 127.0.0.1 is not known (SHA256:abc).', 'Check the fingerprint, then accept it with --accept-host-key SHA256:abc.');
  });
  const h = await toForm(services);
  try {
    h.write(`${DOWN}${ENTER}/mnt/usb${ENTER}`);
    await h.waitFor('Destination:  /mnt/usb');
    h.write(`${DOWN}${DOWN}${DOWN}${ENTER}`);
    const f = await h.waitFor('[ERROR] The copy was not made');
    assertConsoleSafe(f);
    assert.match(f, /What to do: Check the fingerprint/);
  } finally {
    h.unmount();
  }
});


