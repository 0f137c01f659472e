/** The bulk cipher preference: AES-GCM first only where the CPU has AES instructions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cipherOptions, cpuHasAes } from '../../src/core/ssh-ciphers.js';

const X86 = 'processor\t: 0\nflags\t\t: fpu vme sse sse2 aes avx avx2 sha_ni\n';
const X86_NO_AES = 'processor\t: 0\nflags\t\t: fpu vme sse sse2 avx\n';
const ARM = 'processor\t: 0\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32\n';
const ARM_NO_AES = 'processor\t: 0\nFeatures\t: fp asimd evtstrm crc32\n';

test('AES instructions are read from x86 flags and arm64 Features, not from other lines', () => {
  assert.equal(cpuHasAes(X86), true);
  assert.equal(cpuHasAes(ARM), true);
  assert.equal(cpuHasAes(X86_NO_AES), false);
  assert.equal(cpuHasAes(ARM_NO_AES), false);
  assert.equal(cpuHasAes('model name\t: AMD EPYC aes-like\nflags\t\t: fpu vaes_x\n'), false);
  assert.equal(cpuHasAes(''), false);
  assert.deepEqual(cipherOptions(X86_NO_AES), []);
});

test('the preference keeps OpenSSH\'s own list behind AES-GCM (real ssh -G)', () => {
  const opts = cipherOptions(X86);
  const out = execFileSync('ssh', ['-F', '/dev/null', '-G', ...opts, 'example.invalid'], { encoding: 'utf8' });
  const ciphers = /^ciphers (.*)$/m.exec(out)![1]!.split(',');
  assert.deepEqual(ciphers.slice(0, 2), ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com']);
  assert.ok(ciphers.includes('chacha20-poly1305@openssh.com'), ciphers.join(','));
});
