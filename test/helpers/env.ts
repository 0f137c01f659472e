/**
 * Test environment checks. Under CI=true a test that needs root, loop devices, QEMU or a tool
 * must run: a missing prerequisite is a failure there, and a skip only on a developer machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';

export const IN_CI = process.env.CI === 'true';

function haveTool(t: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The reason the test cannot run here, or null. */
export function missingPrerequisite(needs: { root?: boolean; loop?: boolean; tools?: string[] }): string | null {
  if ((needs.root || needs.loop) && process.getuid?.() !== 0) return 'needs root';
  if (needs.loop && !existsSync('/dev/loop-control')) return 'needs loop devices (/dev/loop-control)';
  for (const t of needs.tools ?? []) if (!haveTool(t)) return `needs ${t}`;
  return null;
}

/** Options for test()/describe(): skipped locally when a prerequisite is missing, never in CI. */
export function needs(n: { root?: boolean; loop?: boolean; tools?: string[] }): { skip?: string } {
  const why = missingPrerequisite(n);
  if (why && IN_CI) throw new Error(`CI=true and this test ${why}: install it (scripts/deps.sh test) rather than skip`);
  return why ? { skip: why } : {};
}

export function assertPrereq(t: TestContext, n: { root?: boolean; loop?: boolean; tools?: string[] }): boolean {
  const why = missingPrerequisite(n);
  if (!why) return true;
  if (IN_CI) throw new Error(`CI=true and this test ${why}`);
  t.skip(why);
  return false;
}
