/**
 * Which GRUB an installation uses, read once (devices/installations.ts) for everyone: Fedora's
 * grub2-* tools and /boot/grub2, or Debian's grub-* and /boot/grub. Only an installation with
 * the grub2 names and none of the plain ones is grub2: a leftover /boot/grub2 next to a working
 * grub-install does not switch the tools.
 */
export interface GrubEvidence {
  grubDir: boolean;
  grub2Dir: boolean;
  grubInstall: boolean;
  grub2Install: boolean;
}

export function grubFlavour(e: GrubEvidence): 'grub' | 'grub2' {
  const plain = e.grubDir || e.grubInstall;
  const two = e.grub2Dir || e.grub2Install;
  return two && !plain ? 'grub2' : 'grub';
}
