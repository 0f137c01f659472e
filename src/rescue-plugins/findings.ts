/** Helpers on findings shared by the flow engine, the CLI and the screens (pure). */
import type { Finding, FindingState, Severity } from './types.js';

/** A finding that needs attention: something wrong was detected, or the check itself failed. */
export function isProblem(f: Finding): boolean {
  return f.state === 'detected' || f.state === 'error';
}

export function problems(findings: readonly Finding[]): Finding[] {
  return findings.filter(isProblem);
}

/** Detected findings a plan can act on. */
export function fixableProblems(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.state === 'detected' && f.fixable);
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2, blocker: 3 };

export function severityRank(s: Severity): number {
  return SEVERITY_RANK[s];
}

/** The worst severity among the problems, or null when there is none. */
export function worstSeverity(findings: readonly Finding[]): Severity | null {
  let worst: Severity | null = null;
  for (const f of problems(findings)) if (worst === null || SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst]) worst = f.severity;
  return worst;
}

/** Problems first (worst severity first), then the rest; stable otherwise. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const stateRank: Record<FindingState, number> = { error: 0, detected: 1, fixed: 2, skipped: 3, checked: 4 };
  return findings
    .map((f, i) => ({ f, i }))
    .sort((x, y) => stateRank[x.f.state] - stateRank[y.f.state] || SEVERITY_RANK[y.f.severity] - SEVERITY_RANK[x.f.severity] || x.i - y.i)
    .map((x) => x.f);
}

/** The finding a plugin yields when its diagnose step itself failed. */
export function diagnoseErrorFinding(pluginId: string, pluginTitle: string, message: string, hint: string): Finding {
  return {
    id: `${pluginId}.diagnose-failed`,
    pluginId,
    title: `The ${pluginTitle} checks could not run`,
    state: 'error',
    severity: 'error',
    evidence: [message, hint],
    fixable: false,
  };
}

/** Of the findings a plan addressed, those still present after the fix (by id). */
export function stillPresent(addressed: readonly string[], after: readonly Finding[]): Finding[] {
  const ids = new Set(addressed);
  return after.filter((f) => ids.has(f.id) && isProblem(f));
}

/** One line for a finding, ASCII: "[detected/error] title". */
export function findingLine(f: Finding): string {
  return `[${f.state}/${f.severity}] ${f.title}`;
}
