#!/bin/bash
# deps.sh runtime|test - install the Debian packages firstaid needs (runtime) or its tests need
# (test = runtime + test bed), skipping apt entirely when all are already there.
set -euo pipefail
RUNTIME=(util-linux eject openssl fdisk mount e2fsprogs dosfstools mtools fusefat attr grub-common grub2-common grub-pc-bin grub-efi-amd64-bin xorriso tar openssh-client gzip zstd xz-utils bzip2 efibootmgr rsync par2 dvdisaster)
TEST=(parted debootstrap qemu-system-x86 ovmf tmux kmod ca-certificates openssh-server fuse3 python3-fusepy cpio python3 acl squashfs-tools)
case ${1:-runtime} in
  runtime) WANT=("${RUNTIME[@]}") ;;
  test)    WANT=("${RUNTIME[@]}" "${TEST[@]}") ;;
  *) echo "usage: deps.sh runtime|test" >&2; exit 2 ;;
esac
MISSING=()
for p in "${WANT[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || MISSING+=("$p")
done
[ ${#MISSING[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "deps.sh: these Debian packages are missing: ${MISSING[*]}; run this as root to install them" >&2
  exit 1
fi
echo "deps.sh: installing ${MISSING[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${MISSING[@]}" >/dev/null
