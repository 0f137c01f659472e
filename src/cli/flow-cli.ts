/**
 * What diagnose, fix and revert print: findings, plans and results as plain ASCII text for a
 * Linux console. (Opening the target and the flow deps: src/app/flow-deps.ts.)
 */
import type { MountedSystem } from '../devices/types.js';
import type { Finding, FixResult, Plan } from '../rescue-plugins/types.js';
import { sortFindings } from '../rescue-plugins/findings.js';

/** Control characters (garbage files, escape sequences) shown as \xNN so they cannot mess up the console. */
export function printable(s: string): string {
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const STATE_LABEL: Record<Finding['state'], string> = {
  checked: 'ok',
  detected: 'PROBLEM',
  fixed: 'fixed',
  error: 'ERROR',
  skipped: 'skipped',
};

/** Findings, problems first, evidence indented under each problem. Internal data findings are left out. */
export function formatFindings(findings: readonly Finding[], indent = '  '): string[] {
  const out: string[] = [];
  for (const f of sortFindings(findings)) {
    const tag = `[${STATE_LABEL[f.state]}${f.state === 'detected' || f.state === 'error' ? `/${f.severity}` : ''}]`;
    out.push(`${indent}${tag.padEnd(18)} ${printable(f.title)}`);
    if (f.state === 'detected' || f.state === 'error') {
      for (const e of f.evidence) out.push(`${indent}${' '.repeat(19)}${printable(e)}`);
      if (f.state === 'detected' && !f.fixable) out.push(`${indent}${' '.repeat(19)}(needs a person: not repaired automatically)`);
    }
  }
  return out;
}

export function formatPlan(plan: Plan, choices: Record<string, string>): string[] {
  const out: string[] = [`Plan (${plan.pluginId}): ${plan.summary}`];
  for (const b of plan.blockers) out.push(`  BLOCKED: ${b}`);
  for (const a of plan.actions) {
    switch (a.kind) {
      case 'edit-file':
        out.push(`  Edit ${a.path}:`);
        for (const l of a.diff.replace(/\n$/, '').split('\n')) out.push(`    ${printable(l)}`);
        break;
      case 'run':
        out.push(`  Run${a.inChroot ? ' (inside the installation)' : ''}: ${JSON.stringify(a.argv)}  - ${a.why}`);
        break;
      case 'write-range':
        out.push(`  Write ${a.length} bytes of ${a.device} at offset ${a.offset}  - ${a.why}`);
        break;
      case 'note':
        out.push(`  Note: ${a.text}`);
        break;
    }
  }
  if (plan.touches.length > 0) {
    out.push('  Backed up first:');
    for (const t of plan.touches) {
      if (t.kind === 'nvram') out.push(`    the firmware's boot entries and BootOrder (${t.why})`);
      else out.push(t.kind === 'path' ? `    ${t.path}` : `    ${t.device} bytes ${t.offset}..${t.offset + t.length - 1} (${t.length} bytes: ${t.why})`);
    }
  }
  for (const c of plan.choices) {
    const v = choices[c.id] ?? c.default;
    out.push(`  Choice ${c.id} = ${v}  (${c.question} Options: ${c.options.map((o) => `${o.value}: ${o.label}`).join('; ')}. Change with --choice ${c.id}=VALUE)`);
  }
  return out;
}

/** The backup directory as the installation sees it (it survives the reboot), else the host path. */
export function backupLocation(system: MountedSystem, dir: string): string {
  try {
    return system.target.toTargetPath(dir) + ' on the installation';
  } catch {
    return dir;
  }
}

export function formatResult(r: FixResult, system: MountedSystem): string[] {
  const out: string[] = [];
  if (r.ok && r.verified) out.push(`Fixed and verified: ${r.plan.summary}`);
  else if (r.ok) out.push(`Done (not verified): ${r.plan.summary}`);
  else out.push(`The fix failed${r.restored ? '; everything it touched was restored from the backup' : ''}.`);
  if (r.error) out.push(`  ${r.error.message}`, `  ${r.error.hint}`);
  if (r.backupId && r.backupDir) {
    out.push(`Backup: ${r.backupId} in ${backupLocation(system, r.backupDir)}`);
    if (r.ok) out.push(`To undo this fix: firstaid revert ${r.backupId}`);
  }
  const fixed = r.findingsAfter.filter((f) => f.state === 'fixed');
  if (r.ok && fixed.length > 0) out.push(...fixed.map((f) => `  [fixed] ${printable(f.title)}`));
  const left = r.findingsAfter.filter((f) => f.state === 'detected' || f.state === 'error');
  if (r.ok && left.length > 0) {
    out.push('Still reported (not part of this fix):');
    out.push(...formatFindings(left, '  '));
  }
  return out;
}
