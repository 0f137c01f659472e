/**
 * Test hook for interrupt tests: FIRSTAID_TEST_PAUSE=after-mount makes a run print
 * "firstaid-test: paused after-mount" on stderr right after its first mount and wait (60 s), so a
 * test can send SIGINT/SIGTERM while something is mounted and check that nothing is left behind.
 * scratch-fat: the same once a scratch FAT (devices/scratch-fat.ts) is mounted.
 */
export async function testPause(point: 'after-mount' | 'scratch-fat'): Promise<void> {
  if (process.env.FIRSTAID_TEST_PAUSE !== point) return;
  process.stderr.write(`firstaid-test: paused ${point}\n`);
  await new Promise((res) => setTimeout(res, 60_000));
}
