/** "  ETA m:ss" of a phase from its fraction done and when it began; '' until it can be told honestly. */
export function etaText(now: number, phaseAt: number, fraction: number | null): string {
  const el = Math.max(0, (now - phaseAt) / 1000);
  if (fraction === null || fraction <= 0.01 || el < 1) return '';
  const left = Math.round((el * (1 - fraction)) / fraction);
  return `  ETA ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
}

/** What a long job's progress needs for an ETA: the step, its fraction, when its phase ("Phase: ...") began. */
export interface PhasedProgress {
  step: string;
  fraction: number | null;
  phaseAt: number;
}

/**
 * The next progress from an event: a new phase (the text before ":") restarts the ETA's clock,
 * and a fraction is kept only within its phase.
 */
export function advancePhase<P extends PhasedProgress>(p: P, e: { step: string; fraction?: number }, now: number): P {
  const phase = (x: string) => x.split(':')[0];
  const phaseAt = phase(e.step) === phase(p.step) ? p.phaseAt : now;
  return { ...p, step: e.step, fraction: e.fraction ?? (phaseAt === p.phaseAt ? p.fraction : null), phaseAt };
}
