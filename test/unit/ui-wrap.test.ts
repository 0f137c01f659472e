import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLine, wrapGroups, wrapText } from '../../src/ui/wrap.js';

const PROSE = 'firstaid looks for a root filesystem with /etc/os-release. If the disk holds an encrypted or LVM volume, open it first (cryptsetup open, vgchange -ay), then press r to look again.';

test('wrapText: lines fit, words are never cut when they fit a line, no text is lost', () => {
  for (const width of [20, 37, 76]) {
    const lines = wrapText(PROSE, width);
    for (const l of lines) assert.ok(l.length <= width, `"${l}" is longer than ${width}`);
    assert.equal(lines.join(' ').replace(/ +/g, ' '), PROSE);
    const words = new Set(PROSE.split(' '));
    for (const l of lines) for (const w of l.trim().split(' ')) assert.ok(words.has(w), `"${w}" is a cut word at width ${width}`);
  }
});

test('wrapText: a path longer than the line breaks after a slash', () => {
  const path = '/mnt/target/var/lib/firstaid/backups/grub/20261122T210307Z-abc123/objects/boot/grub/i386-pc/core.img';
  const lines = wrapText(`Backup: ${path}`, 40);
  for (const l of lines) assert.ok(l.length <= 40);
  assert.equal(lines.join('').replace('Backup:', ''), path);
  for (const l of lines.slice(1, -1)) assert.match(l, /[/\-_.]$/, `"${l}" should end at a separator`);
});

test('wrapText keeps indentation, inner double spaces and blank lines', () => {
  assert.deepEqual(wrapText('  a  b\n\nc', 10), ['  a  b', '', 'c']);
  assert.deepEqual(wrapText('    - one two three four', 16), ['    - one two', '      three four']);
});

test('wrapGroups keeps "q quit" together', () => {
  const lines = wrapGroups('Up/Down/j/k move  Enter choose  a attach image  d root dir  Esc back  ? help  q quit', 76);
  assert.equal(lines.length, 2);
  assert.ok(lines.every((l) => l.length <= 76));
  assert.ok(lines.some((l) => l.endsWith('q quit')));
});

test('fitLine cuts at a word with ... and never exceeds the width', () => {
  assert.equal(fitLine('short', 10), 'short');
  const cut = fitLine('Debian GNU/Linux 12 (bookworm) on /dev/sda2 with a long name', 30);
  assert.ok(cut.length <= 30);
  assert.ok(cut.endsWith('...'));
  assert.ok('Debian GNU/Linux 12 (bookworm) on'.startsWith(cut.slice(0, -3)));
});
