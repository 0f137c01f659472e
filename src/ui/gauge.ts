/** ASCII gauge "[####------]  40%": a Linux console font has no block or Braille characters. */
export function gauge(fraction: number, width = 20): string {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  const inner = Math.max(1, width - 2);
  const full = Math.round(f * inner);
  return `[${'#'.repeat(full)}${'-'.repeat(inner - full)}] ${String(Math.round(f * 100)).padStart(3)}%`;
}
