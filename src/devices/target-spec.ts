/** Which target the options name, and how to say it: pure, and light enough for the first frame. */
import type { TargetSpec } from './types.js';

/** --image FILE, --root DIR, or neither (scan every disk). */
export function targetSpecFromOptions(options: { image?: string | undefined; root?: string | undefined }): TargetSpec {
  if (options.image !== undefined) return { kind: 'image', file: options.image };
  if (options.root !== undefined) return { kind: 'root', dir: options.root };
  return { kind: 'scan' };
}

/** "the image FILE", "the directory DIR", "any disk" */
export function describeSpec(spec: TargetSpec): string {
  switch (spec.kind) {
    case 'image': return `the image ${spec.file}`;
    case 'root': return `the directory ${spec.dir}`;
    default: return 'any disk of this computer';
  }
}
