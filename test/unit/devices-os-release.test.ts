import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOsRelease, prettyName } from '../../src/devices/os-release.js';

test('os-release: quoted, unquoted, escapes, comments', () => {
  const os = parseOsRelease([
    '# comment',
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
    'NAME="Debian GNU/Linux"',
    'VERSION_ID="12"',
    'ID=debian',
    "VARIANT='Live \"CD\"'",
    'TITLE="say \\"hi\\" \\$HOME"',
    '',
    'garbage line',
    'HOME_URL="https://www.debian.org/"',
  ].join('\n'));
  assert.equal(os.PRETTY_NAME, 'Debian GNU/Linux 12 (bookworm)');
  assert.equal(os.ID, 'debian');
  assert.equal(os.VERSION_ID, '12');
  assert.equal(os.VARIANT, 'Live "CD"');
  assert.equal(os.TITLE, 'say "hi" $HOME');
  assert.equal(os.HOME_URL, 'https://www.debian.org/');
  assert.equal(Object.keys(os).length, 7);
});

test('os-release: name fallbacks', () => {
  assert.equal(prettyName({ PRETTY_NAME: 'Fedora Linux 39' }, 'x'), 'Fedora Linux 39');
  assert.equal(prettyName({ NAME: 'Arch Linux' }, 'x'), 'Arch Linux');
  assert.equal(prettyName({ NAME: 'Foo', VERSION: '2' }, 'x'), 'Foo 2');
  assert.equal(prettyName({}, 'Linux on /dev/sda2'), 'Linux on /dev/sda2');
});

test('MBR boot code: GRUB, empty, other', async () => {
  const { classifyMbr } = await import('../../src/devices/installations.js');
  const s = Buffer.alloc(512);
  assert.equal(classifyMbr(s), 'empty');
  s.write('GRUB \0Geom\0Hard Disk\0Read\0 Error', 0x180, 'latin1');
  assert.equal(classifyMbr(s), 'grub');
  const o = Buffer.alloc(512);
  o.write('Missing operating system', 0x100, 'latin1');
  o[510] = 0x55;
  assert.equal(classifyMbr(o), 'other');
  // The signature and partition table (after byte 440) do not count as boot code.
  const t = Buffer.alloc(512);
  t.write('GRUB ', 450, 'latin1');
  assert.equal(classifyMbr(t), 'empty');
});
