/** How the target the options name is called on screen: light, so the first frame needs nothing more. */
import { describeSpec, targetSpecFromOptions } from '../devices/target-spec.js';
import type { TargetSpec } from '../devices/types.js';
import type { GlobalOptions } from './options.js';

export function targetOfOptions(options: GlobalOptions): TargetSpec {
  return targetSpecFromOptions(options);
}

/** "image /tmp/x.img", "directory /mnt", "any disk of this computer" */
export function targetLabel(spec: TargetSpec): string {
  return describeSpec(spec).replace(/^the /, '');
}
