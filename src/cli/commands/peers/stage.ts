/**
 * `firstaid peers stage`: every ready peer into today's `<staging>/YYYY/MM/DD/<peer>/`, each
 * file checked, then the peer's stage indicator. Not-ready peers are skipped (they have not
 * finished collecting; CedarBackup skips them too); an unreachable or failed peer makes exit 1.
 */
import type { CliContext } from '../../context.js';
import { UsageError, type ExitCode } from '../../../core/errors.js';
import { stagePool, type StageOutcome } from '../../../backup/peers/stage-pool.js';
import { unreachableHint } from '../../../backup/peers/errors.js';
import { dayDir } from '../../../backup/discs/staging-tree.js';
import { indented, json, loadPool, stagingDir } from './common.js';

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

function line(o: StageOutcome): string[] {
  switch (o.state) {
    case 'staged': {
      const unchecked = o.report.files.some((f) => f.checked !== 'size+sha256');
      return [
        `${o.name}: staged ${o.report.files.length} files, ${size(o.report.bytes)}${unchecked ? ' (not all checked against the peer)' : ', each checked (size, sha256)'}`,
        ...o.report.warnings.flatMap((w) => indented(`warning: ${w}`)),
      ];
    }
    case 'not-ready':
      return [`${o.name}: skipped, not ready`, ...indented(o.reason)];
    case 'unreachable':
      return [`${o.name}: unreachable (${o.reason})`, ...indented(o.message), ...indented(unreachableHint(o.reason))];
    case 'failed':
      return [`${o.name}: FAILED`, ...indented(o.message), ...indented(o.hint)];
  }
}

export async function peersStage(ctx: CliContext): Promise<ExitCode> {
  if (ctx.options.dryRun) throw new UsageError('peers stage cannot be a dry run: it copies files.', 'See what would be staged with: firstaid peers check');
  const pool = await loadPool(ctx);
  const staging = stagingDir(ctx);
  const date = new Date();
  const started = Date.now();
  let shown = 0;
  const outcomes = await stagePool(pool, ctx.runner, {
    stagingDir: staging,
    date,
    onPeer: (name, phase, outcome) => {
      if (ctx.options.json) return;
      if (phase === 'staging') ctx.err(`${name}: staging ...`);
      if (phase === 'done' && outcome) for (const l of line(outcome)) ctx.out(l);
    },
    onProgress: (name, p) => {
      if (ctx.options.json || Date.now() - shown < 2000) return;
      shown = Date.now();
      const of = p.total !== undefined ? ` of ${size(p.total)}` : '';
      const eta = p.etaSeconds !== undefined ? `, ETA ${p.etaSeconds} s` : '';
      ctx.err(`  ${name}: ${size(p.bytes)}${of}${eta}`);
    },
  });
  if (ctx.options.json) {
    ctx.out(json({ stagingDir: staging, dayDir: dayDir(staging, date), peers: outcomes }));
  } else {
    const staged = outcomes.filter((o) => o.state === 'staged').length;
    ctx.out(`${staged} of ${outcomes.length} peers staged into ${dayDir(staging, date)} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  }
  return outcomes.some((o) => o.state === 'unreachable' || o.state === 'failed') ? 1 : 0;
}
