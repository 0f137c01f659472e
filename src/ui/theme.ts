/**
 * Colours for the console: the 16 basic names only (a Linux console has no more), and none at
 * all under NO_COLOR. Meaning never rests on colour alone: states also carry words ([OK], ...).
 */
export type Tone = 'ok' | 'problem' | 'warn' | 'info' | 'dim' | 'accent' | 'plain' | 'added' | 'removed';

const TONES: Record<Tone, string | undefined> = {
  ok: 'green',
  problem: 'red',
  warn: 'yellow',
  info: 'cyan',
  dim: 'gray',
  accent: 'blue',
  plain: undefined,
  added: 'green',
  removed: 'red',
};

export function colorsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0') return false;
  return true;
}

/** Ink colour name for a tone, or undefined when colours are off. */
export function toneColor(tone: Tone | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!tone || !colorsEnabled(env)) return undefined;
  return TONES[tone];
}
