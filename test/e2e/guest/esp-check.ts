/**
 * Run inside the rescue CD's guest by the firstaid executable's own runtime (bundled to CommonJS
 * by test/helpers/guest-esp.ts; loaded with NODE_OPTIONS=--require, the executable honours it):
 * the host's ESP test (test/helpers/esp-exercise.ts) with the guest kernel's vfat, on the ESP of
 * the installation found by a scan of the guest's disks. Prints ESP-CHECK: PASS or FAIL.
 */
import { existsSync } from 'node:fs';
import { Runner } from '../../../src/core/runner.js';
import { SessionLog } from '../../../src/core/log.js';
import { Teardown } from '../../../src/core/teardown.js';
import { openTargetSession } from '../../../src/devices/session.js';
import { espOpener, exerciseEsp } from '../../helpers/esp-exercise.js';

// The executable's own main runs after this preload (here: --version) and ends the process
// when it is done: its exit waits for this check's.
const exit = process.exit.bind(process);
process.exit = ((code?: number) => {
  process.exitCode = code;
}) as typeof process.exit;

async function main(): Promise<string> {
  // It writes to the ESP of the disk it finds: only inside the test guest (its autorun disk).
  if (!existsSync('/run/autorun/autorun.sh')) throw new Error('not in the rescue CD test guest (no /run/autorun/autorun.sh): refusing to touch this machine\'s ESP');
  process.env.FIRSTAID_ESP_METHOD = 'kernel';
  const log = new SessionLog();
  const runner = new Runner({ log });
  const teardown = new Teardown(log);
  try {
    const session = await openTargetSession({ kind: 'scan' }, { runner, log, teardown }, { writable: true });
    if (session.installations.length !== 1) throw new Error(`one installation expected, found ${session.installations.length}`);
    const part = session.installations[0]!.esp;
    if (!part) throw new Error('the installation has no ESP');
    await exerciseEsp(espOpener(runner, log, part), 'kernel');
    return part.device;
  } finally {
    await teardown.runAll();
  }
}

main().then(
  (device) => {
    console.log(`ESP-CHECK: PASS ${device}`);
    exit(0);
  },
  (e: unknown) => {
    console.log(`ESP-CHECK: FAIL ${(e as Error).stack ?? String(e)}`);
    exit(1);
  },
);
