/** "  ETA m:ss" of a phase from its fraction done and when it began; '' until it can be told honestly. */
export function etaText(now: number, phaseAt: number, fraction: number | null): string {
  const el = Math.max(0, (now - phaseAt) / 1000);
  if (fraction === null || fraction <= 0.01 || el < 1) return '';
  const left = Math.round((el * (1 - fraction)) / fraction);
  return `  ETA ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
}
