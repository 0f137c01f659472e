/**
 * What the rescue CD's guests share with the other tests, built once before scripts/run-tests.mjs
 * runs the two lanes side by side: the executable, the rescue CD and the pristine images the
 * guests use (two builders of one file at once would corrupt it).
 */
import { rescueIso } from './guest.js';
import { pristineImage } from './images.js';

rescueIso();
for (const type of ['bios', 'uefi'] as const) pristineImage(type);
