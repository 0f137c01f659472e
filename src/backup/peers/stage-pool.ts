/**
 * A pool against the staging tree: which peers are ready, and staging every ready one under
 * `<staging>/YYYY/MM/DD/<peer>/` (the dir the discs store from). A peer's stage indicator is
 * written only after all its files arrived, were checked and renamed into place. The per-run
 * copy dirs live in `<staging>/.firstaid-tmp/`, outside every day, so a killed run never
 * leaves half a copy where the discs would store it.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Runner } from '../../core/runner.js';
import { asFirstaidError } from '../../core/errors.js';
import { peerDayDir } from '../discs/staging-tree.js';
import { LocalPeer } from './local-peer.js';
import { RemotePeer } from './remote-peer.js';
import type { Pool, PeerSpec } from './pool.js';
import type { Peer, PeerReadiness, StageReport, UnreachableReason } from './types.js';
import { PeerUnreachableError } from './errors.js';
import type { StageProgress } from './progress.js';

export const STAGING_TEMP = '.firstaid-tmp';
/** A per-run dir older than this belongs to a run that was killed. */
const STALE_MS = 12 * 60 * 60 * 1000;

export function peerFromSpec(spec: PeerSpec, runner: Runner): Peer {
  if (spec.type === 'local') return new LocalPeer(spec, runner);
  return new RemotePeer(spec, runner);
}

export interface PeerCheck {
  name: string;
  type: 'local' | 'remote';
  readiness: PeerReadiness;
}

export async function checkPool(pool: Pool, runner: Runner): Promise<PeerCheck[]> {
  return Promise.all(pool.peers.map(async (spec) => {
    const peer = peerFromSpec(spec, runner);
    return { name: spec.name, type: spec.type, readiness: await peer.checkCollectIndicator() };
  }));
}

export type StageOutcome =
  | { name: string; state: 'staged'; report: StageReport }
  | { name: string; state: 'not-ready'; reason: string }
  | { name: string; state: 'unreachable'; reason: UnreachableReason; message: string }
  | { name: string; state: 'failed'; message: string; hint: string };

export interface StagePoolOptions {
  stagingDir: string;
  date: Date;
  signal?: AbortSignal;
  /** Called as each peer starts and ends (screens' progress, the CLI's lines). */
  onPeer?: (name: string, phase: 'checking' | 'staging' | 'done', outcome?: StageOutcome) => void;
  onProgress?: (name: string, p: StageProgress) => void;
}

async function sweepStale(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const n of names) {
    if (!n.startsWith('.firstaid-stage-')) continue;
    const st = await stat(join(dir, n)).catch(() => null);
    if (st && now - st.mtimeMs > STALE_MS) await rm(join(dir, n), { recursive: true, force: true });
  }
}

export async function stageOne(spec: PeerSpec, runner: Runner, o: StagePoolOptions): Promise<StageOutcome> {
  const peer = peerFromSpec(spec, runner);
  // A remote peer's check, copy, listing and stage indicator share one ssh connection.
  return peer instanceof RemotePeer ? peer.sharingConnection(() => stageWith(peer, spec, o)) : stageWith(peer, spec, o);
}

async function stageWith(peer: Peer, spec: PeerSpec, o: StagePoolOptions): Promise<StageOutcome> {
  o.onPeer?.(spec.name, 'checking');
  const r = await peer.checkCollectIndicator();
  if (r.state === 'not-ready') return { name: spec.name, state: 'not-ready', reason: r.reason };
  if (r.state === 'unreachable') return { name: spec.name, state: 'unreachable', reason: r.reason, message: r.message };
  o.onPeer?.(spec.name, 'staging');
  try {
    const report = await peer.stage(peerDayDir(o.stagingDir, o.date, spec.name), {
      ...(spec.ownership ? { ownership: spec.ownership } : {}),
      ...(spec.permissions !== undefined ? { permissions: spec.permissions } : {}),
      tempParent: join(o.stagingDir, STAGING_TEMP),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onProgress ? { onProgress: (p: StageProgress) => o.onProgress!(spec.name, p) } : {}),
    });
    await peer.writeStageIndicator();
    return { name: spec.name, state: 'staged', report };
  } catch (err) {
    if (err instanceof PeerUnreachableError) return { name: spec.name, state: 'unreachable', reason: err.reason, message: err.message };
    const e = asFirstaidError(err);
    if (e.code === 'cancelled') throw e;
    return { name: spec.name, state: 'failed', message: e.message, hint: e.hint };
  }
}

/** Every peer of the pool, one after another (one copy at a time keeps the link and disk busy, not crowded). */
export async function stagePool(pool: Pool, runner: Runner, o: StagePoolOptions): Promise<StageOutcome[]> {
  await sweepStale(join(o.stagingDir, STAGING_TEMP));
  const out: StageOutcome[] = [];
  for (const spec of pool.peers) {
    const outcome = await stageOne(spec, runner, o);
    o.onPeer?.(spec.name, 'done', outcome);
    out.push(outcome);
  }
  return out;
}
