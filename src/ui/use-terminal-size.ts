/** The terminal's size, updated on resize so the frame redraws to the new width and height. */
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';
import { MIN_SIZE, type Size } from './layout.js';

export function useTerminalSize(override?: Size): Size {
  const { stdout } = useStdout();
  const read = (): Size => ({ cols: stdout.columns || MIN_SIZE.cols, rows: stdout.rows || MIN_SIZE.rows });
  const [size, setSize] = useState<Size>(read);
  useEffect(() => {
    if (override) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, override]);
  return override ?? size;
}
