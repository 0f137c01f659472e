/**
 * Every key, in order, from Ink's input stream. Ink's useInput hands a pasted run of plain
 * characters over as one string and leaves the caller with a stale closure between keys of
 * one chunk; this hook parses each input event itself and passes a list of keys to a
 * callback that only dispatches (React applies queued reducer actions to the latest state).
 */
import { useEffect, useRef } from 'react';
import { useStdin } from 'ink';
import { parseKeys, type Key } from './keys.js';

export function useKeys(onKeys: (keys: Key[]) => void, active = true): void {
  const { setRawMode, internal_eventEmitter: events, isRawModeSupported } = useStdin();
  const handler = useRef(onKeys);
  handler.current = onKeys;
  useEffect(() => {
    if (!active || !isRawModeSupported) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [active, isRawModeSupported, setRawMode]);
  useEffect(() => {
    if (!active) return;
    const onInput = (data: string) => {
      const keys = parseKeys(data);
      if (keys.length > 0) handler.current(keys);
    };
    events.on('input', onInput);
    return () => {
      events.removeListener('input', onInput);
    };
  }, [active, events]);
}
