import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKeys } from '../../src/ui/keys.js';
import { moveCursor } from '../../src/ui/list.js';
import { gauge } from '../../src/ui/gauge.js';
import { confirmKey } from '../../src/ui/confirm.js';
import { colorsEnabled, toneColor } from '../../src/ui/theme.js';
import { SPINNER_FRAMES } from '../../src/ui/spinner.js';

test('parseKeys returns every key of a chunk, in order', () => {
  assert.deepEqual(parseKeys('\u001b[B\u001b[B\r').map((k) => k.name), ['down', 'down', 'enter']);
  assert.deepEqual(parseKeys('jjk\r'), [{ name: 'char', ch: 'j' }, { name: 'char', ch: 'j' }, { name: 'char', ch: 'k' }, { name: 'enter' }]);
  assert.deepEqual(parseKeys('\u001bOA\u001b[[A\u001b[5~\u001b[6~\u001b[H\u001b[4~').map((k) => k.name), ['up', 'up', 'pageup', 'pagedown', 'home', 'end']);
  assert.deepEqual(parseKeys('\u001b').map((k) => k.name), ['escape']);
  assert.deepEqual(parseKeys('\u001b\u001b[A').map((k) => k.name), ['escape', 'up']);
  assert.deepEqual(parseKeys('a\r\nb').map((k) => k.name), ['char', 'enter', 'char']);
  assert.deepEqual(parseKeys('\u007f\t\u0003').map((k) => k.name), ['backspace', 'tab', 'ctrl-c']);
  assert.deepEqual(parseKeys('\u001b[1;5B').map((k) => k.name), ['down']);
});

test('moveCursor clamps and knows j/k, pages and ends', () => {
  const k = (s: string) => parseKeys(s)[0]!;
  assert.equal(moveCursor(0, 3, k('k')), 0);
  assert.equal(moveCursor(2, 3, k('j')), 2);
  assert.equal(moveCursor(0, 48, k('\u001b[6~'), 10), 10);
  assert.equal(moveCursor(5, 48, k('G')), 47);
  assert.equal(moveCursor(5, 48, k('x')), null);
  assert.equal(moveCursor(0, 0, k('j')), 0);
});

test('gauge and spinner use ASCII only', () => {
  assert.equal(gauge(0.4, 12), '[####------]  40%');
  assert.equal(gauge(2, 6), '[####] 100%');
  assert.equal(gauge(Number.NaN, 6), '[----]   0%');
  for (const f of SPINNER_FRAMES) assert.match(f, /^[\x20-\x7e]$/);
});

test('confirm: No by default, y/n answer, arrows move', () => {
  assert.deepEqual(confirmKey({ yes: false }, { name: 'enter' }).outcome, 'no');
  assert.deepEqual(confirmKey({ yes: false }, { name: 'char', ch: 'y' }).outcome, 'yes');
  const moved = confirmKey({ yes: false }, { name: 'left' });
  assert.equal(moved.outcome, null);
  assert.equal(confirmKey(moved.next, { name: 'enter' }).outcome, 'yes');
  assert.equal(confirmKey({ yes: true }, { name: 'escape' }).outcome, 'no');
});

test('theme honours NO_COLOR and FORCE_COLOR=0, and uses the 16 colour names', () => {
  assert.equal(colorsEnabled({ NO_COLOR: '1' }), false);
  assert.equal(colorsEnabled({ FORCE_COLOR: '0' }), false);
  assert.equal(colorsEnabled({ NO_COLOR: '' }), true);
  assert.equal(toneColor('problem', { NO_COLOR: '1' }), undefined);
  const basic = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white', 'gray'];
  for (const t of ['ok', 'problem', 'warn', 'info', 'dim', 'accent', 'added', 'removed'] as const) assert.ok(basic.includes(toneColor(t, {})!), t);
});
