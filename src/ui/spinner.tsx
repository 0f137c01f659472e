/** ASCII spinner (a Linux console font has no Braille): | / - \ */
import { useEffect, useState } from 'react';
import { Text } from 'ink';

export const SPINNER_FRAMES = ['|', '/', '-', '\\'] as const;

export function Spinner({ intervalMs = 120 }: { intervalMs?: number }) {
  const [i, setI] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setI((n) => (n + 1) % SPINNER_FRAMES.length), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return <Text>{SPINNER_FRAMES[i]}</Text>;
}
