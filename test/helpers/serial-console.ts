/**
 * Test helper: boot a fixture image in QEMU (snapshot mode, like boot-check.sh) with its serial
 * console on the child's stdin/stdout, and drive it like expect: wait for text on the console
 * (ANSI escapes and CRs cleaned away), then type. Everything seen is kept for the failure message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, basename } from 'node:path';
import { TESTBED } from './images.js';

export interface SerialConsole {
  /** Resolves with the console text from `since` (default: the last match) once `re` matches it. */
  waitFor(re: RegExp, timeoutMs: number): Promise<string>;
  type(text: string): void;
  /** Everything seen so far (cleaned). */
  text(): string;
  /** Seconds since QEMU started. */
  elapsed(): number;
  close(): Promise<void>;
}

const clean = (s: string) => s.replace(/\x1b\[[0-9;?=>]*[A-Za-z]/g, '').replace(/\x1b[()][A-Za-z0-9]/g, '').replace(/\x1b[A-Za-z=>]/g, '').replace(/\r/g, '');

function accel(): string[] {
  const kvm = existsSync('/dev/kvm') && (existsSync('/sys/module/kvm_intel') || existsSync('/sys/module/kvm_amd'));
  return kvm ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg,thread=multi', '-cpu', process.env.BC_CPU ?? 'max'];
}

export function bootSerial(image: string): SerialConsole {
  const type = /TYPE=(\w+)/.exec(readFileSync(`${image}.info`, 'utf8'))?.[1] ?? 'bios';
  const args = [...accel(), '-m', process.env.BC_MEM ?? '1024', '-smp', process.env.BC_SMP ?? '2', '-display', 'none', '-monitor', 'none',
    '-serial', 'stdio', '-nic', 'none', '-no-reboot', '-boot', 'order=c', '-drive', `file=${image},format=raw,if=virtio,snapshot=on`];
  if (type === 'uefi') {
    const vars = join(TESTBED, `ovmf-vars-${process.pid}.fd`);
    writeFileSync(vars, readFileSync('/usr/share/OVMF/OVMF_VARS_4M.fd'));
    args.push('-machine', 'q35', '-drive', 'if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd', '-drive', `if=pflash,format=raw,unit=1,file=${vars}`);
  } else args.push('-machine', 'pc');
  const started = Date.now();
  const child: ChildProcess = spawn(process.env.QEMU ?? 'qemu-system-x86_64', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let all = '';
  let cursor = 0;
  let exited: string | null = null;
  const waiters = new Set<() => void>();
  const poke = () => { for (const w of [...waiters]) w(); };
  child.stdout!.on('data', (c: Buffer) => { all += clean(c.toString('latin1')); poke(); });
  child.stderr!.on('data', (c: Buffer) => { all += `\n[qemu] ${c.toString('utf8')}`; });
  child.on('exit', (code, sig) => { exited = `qemu exited (${code ?? sig})`; poke(); });
  const logDir = join(TESTBED, 'logs');
  const save = () => {
    mkdirSync(logDir, { recursive: true });
    const f = join(logDir, `${basename(image)}.serial-login.${process.pid}.log`);
    writeFileSync(f, all);
    return f;
  };
  return {
    waitFor(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(all.slice(cursor));
          if (m) {
            const upto = cursor + m.index + m[0].length;
            const seen = all.slice(cursor, upto);
            cursor = upto;
            done();
            resolve(seen);
          } else if (exited) {
            done();
            reject(new Error(`${exited} while waiting for ${re}; console in ${save()}:\n${all.slice(-1500)}`));
          }
        };
        const timer = setTimeout(() => { done(); reject(new Error(`no ${re} on the serial console within ${timeoutMs / 1000} s; console in ${save()}:\n${all.slice(-1500)}`)); }, timeoutMs);
        const done = () => { clearTimeout(timer); waiters.delete(check); };
        waiters.add(check);
        check();
      });
    },
    type(text) { child.stdin!.write(text); },
    text: () => all,
    elapsed: () => (Date.now() - started) / 1000,
    async close() {
      if (!exited) {
        child.kill('SIGTERM');
        await new Promise<void>((r) => { const t = setTimeout(() => { child.kill('SIGKILL'); r(); }, 3000); child.once('exit', () => { clearTimeout(t); r(); }); });
      }
      save();
    },
  };
}

/** Logs in on the console's getty; resolves true at a shell prompt, false on "Login incorrect". */
export async function serialLogin(c: SerialConsole, user: string, password: string, timeoutMs = 60_000): Promise<boolean> {
  c.type(`${user}\r`);
  await c.waitFor(/Password: *$/, timeoutMs);
  c.type(`${password}\r`);
  const seen = await c.waitFor(/Login incorrect|[#$] *$/, timeoutMs);
  return !/Login incorrect/.test(seen);
}
