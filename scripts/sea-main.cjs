// The single executable's main script (scripts/package.mjs). Node 20 runs only a CommonJS main
// in a SEA, and Ink and yoga-layout use top-level await, which CommonJS cannot hold: so the
// product stays the ESM bundle, embedded as the asset firstaid.mjs, written to a fresh private
// folder (mkdtemp: mode 0700, a new name each time, so nothing another user placed is loaded)
// and imported from there; the folder is removed once the module is loaded. Imported from a
// data: URL instead it took twice as long to start (about 700 ms against 350 ms, busy machine).
// It does what bin/firstaid does first.
'use strict';
const sea = require('node:sea');
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const { pathToFileURL } = require('node:url');

// Ink's colour library ignores NO_COLOR; FORCE_COLOR=0 must be set before it is loaded.
if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') process.env.FORCE_COLOR = '0';
function fail(err) {
  process.stderr.write('firstaid: ' + ((err && err.stack) || err) + '\n');
  process.exit(1);
}
let dir;
try {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'firstaid-'));
  const file = path.join(dir, 'firstaid.mjs');
  fs.writeFileSync(file, new Uint8Array(sea.getAsset('firstaid.mjs')), { mode: 0o600, flag: 'wx' });
  const gone = () => fs.rmSync(dir, { recursive: true, force: true });
  import(pathToFileURL(file).href).then(gone, (err) => {
    gone();
    fail(err);
  });
} catch (err) {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  process.stderr.write('firstaid: cannot unpack the program into ' + os.tmpdir() + ': ' + ((err && err.message) || err) + '\n' +
    '  Set TMPDIR to a writable folder (for example TMPDIR=/run) and start firstaid again.\n');
  process.exit(1);
}
