/**
 * The app: one reducer for navigation, one frame, keys from useKeys, and the task runner that
 * carries out what the reducer asks for through the services interface.
 */
import { useEffect, useReducer, useRef } from 'react';
import { useApp } from 'ink';
import { Frame } from '../ui/frame.js';
import { layoutFor, type Size } from '../ui/layout.js';
import { useKeys } from '../ui/use-keys.js';
import { useTerminalSize } from '../ui/use-terminal-size.js';
import { initialState } from './nav.js';
import { buildScreen, reducer } from './state.js';
import { runTask, toUserError } from './tasks.js';
import type { Services } from './services.js';

export interface AppProps {
  services: Services;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  size?: Size;
  onQuit?: () => void;
}

export function App({ services, size, onQuit }: AppProps) {
  const term = useTerminalSize(size);
  const [state, dispatch] = useReducer(reducer, undefined, () => initialState({ size: term, targetLabel: services.describeTarget(), dryRun: services.dryRun === true }));
  const { exit } = useApp();
  const controllers = useRef(new Map<number, AbortController>());

  useEffect(() => dispatch({ type: 'resize', size: term }), [term.cols, term.rows]);
  useKeys((keys) => dispatch({ type: 'keys', keys, now: Date.now() }));

  useEffect(() => {
    dispatch({ type: 'log-reset', entries: services.logEntries() });
    return services.subscribeLog((entry) => dispatch({ type: 'log', entry }));
  }, [services]);

  const task = state.task;
  useEffect(() => {
    if (!task) return;
    const ac = new AbortController();
    controllers.current.set(task.seq, ac);
    const seq = task.seq;
    runTask(services, task.spec, ac.signal, (event) => dispatch({ type: 'task-progress', seq, event })).then(
      (value) => dispatch({ type: 'task-done', seq, value }),
      (err: unknown) => dispatch({ type: 'task-failed', seq, error: toUserError(err) }),
    ).finally(() => controllers.current.delete(seq));
    // runTask has the secret now: the state keeps no copy while the fix runs.
    if (task.spec.kind === 'fix' && task.spec.secret !== undefined) dispatch({ type: 'secret-taken', seq });
    // A task left behind (Esc while loading) is aborted; its late answer is ignored by seq.
    return () => ac.abort();
  }, [task?.seq]);

  useEffect(() => {
    if (task?.cancel) controllers.current.get(task.seq)?.abort();
  }, [task?.seq, task?.cancel]);

  // Copy off and Discs keep their progress in their own part: the clock ticks for them too (elapsed, ETA).
  const hasProgress = state.progress !== null || state.copyOff.progress !== null || state.discs.progress !== null;
  useEffect(() => {
    if (!hasProgress) return;
    const t = setInterval(() => dispatch({ type: 'tick', now: Date.now() }), 1000);
    return () => clearInterval(t);
  }, [hasProgress]);

  useEffect(() => {
    if (!state.quit) return;
    onQuit?.();
    exit();
  }, [state.quit]);

  const layout = layoutFor(state.size);
  return <Frame model={buildScreen(state, layout)} layout={layout} />;
}
