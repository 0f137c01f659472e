// The single executable's main script (scripts/package.mjs). Node 20 runs only a CommonJS main
// in a SEA, and Ink and yoga-layout use top-level await, which CommonJS cannot hold: so the
// product stays the ESM bundle, embedded as the asset firstaid.mjs and imported from a data:
// URL (import() works in a SEA's main on Node 20). It does what bin/firstaid does first.
'use strict';
const sea = require('node:sea');
// Ink's colour library ignores NO_COLOR; FORCE_COLOR=0 must be set before it is loaded.
if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') process.env.FORCE_COLOR = '0';
const code = sea.getAsset('firstaid.mjs', 'utf8');
import('data:text/javascript;base64,' + Buffer.from(code, 'utf8').toString('base64')).catch(function (err) {
  process.stderr.write('firstaid: ' + ((err && err.stack) || err) + '\n');
  process.exit(1);
});
