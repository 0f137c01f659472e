#!/bin/bash
# make-rescue-iso.sh - the firstaid rescue live CD: dist/firstaid-rescue.iso (BIOS and UEFI).
#
#   make-rescue-iso.sh [-e EXECUTABLE] [-o OUT.iso]
#
#   -e FILE   the firstaid executable to put on the PATH (default dist/firstaid-linux-x64,
#             from npm run package)
#   -o FILE   output ISO (default dist/firstaid-rescue.iso)
#
# Two steps, so that a new executable costs seconds, not a rebuild of the whole system:
#   1. the CD's tree (cached in $CACHE/rescue-tree-<key>/; key = hash of this script, which holds
#      the package list): debootstrap bookworm, the live system's packages, a live-boot initrd,
#      the root as live/filesystem.squashfs, grub.cfg.
#   2. every run: the executable in a small second squashfs (live/zz-firstaid.squashfs, which
#      live-boot stacks over the first), then grub-mkrescue (BIOS and UEFI boot images) over
#      both trees: about 10 s. (Adding the file to a cached ISO with xorriso's
#      -boot_image any replay fails: "GPT partitions 1 and 2 overlap by 80 blocks".)
# Needs root, debootstrap, squashfs-tools, xorriso, mtools, grub-pc-bin, grub-efi-amd64-bin.
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${FIRSTAID_FIXTURE_CACHE:-/var/cache/firstaid-test}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
EXE=$HERE/dist/firstaid-linux-x64 OUT=$HERE/dist/firstaid-rescue.iso

die() { echo "make-rescue-iso: $*" >&2; exit 1; }
log() { echo "make-rescue-iso: $*" >&2; }
while getopts "e:o:h" o; do
  case $o in
    e) EXE=$OPTARG ;; o) OUT=$OPTARG ;;
    *) awk 'NR>1 && /^#/ {sub(/^# ?/, ""); print; next} NR>1 {exit}' "$0" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || die "must run as root"

# What the live system holds: the kernel (the cloud kernel has vfat, iso9660, sr, efivarfs),
# live-boot, udev, and every tool firstaid runs (scripts/deps.sh runtime) plus the backup
# transports (OpenSSH client, rsync) and efibootmgr for NVRAM entries; the archive compressors,
# par2, eject and openssl (the disc manifest's fast sha256). Not dvdisaster: it pulls in GTK
# (tens of MB); `disc write --ecc` and `disc repair` say it is missing and how to get it.
PACKAGES=linux-image-cloud-amd64,live-boot,systemd-sysv,udev,kmod,initramfs-tools,zstd,procps,less,\
util-linux,fdisk,mount,e2fsprogs,dosfstools,mtools,fusefat,attr,xorriso,tar,openssh-client,rsync,\
efibootmgr,grub-common,grub2-common,grub-pc-bin,grub-efi-amd64-bin,ca-certificates,\
gzip,xz-utils,bzip2,par2,eject,openssl
# The cache key: this script up to the per-run part (the package list and the configuration).
KEY=$(sed -n '/^# ---- every run/q;p' "$0" | sha256sum | cut -c1-12)
TREE=$CACHE/rescue-tree-$KEY
mkdir -p "$CACHE" "$(dirname "$OUT")"

WORK=
cleanup() {
  local rc=$?
  set +e
  if [ -n "$WORK" ]; then
    findmnt -rn -o TARGET | grep -E "^$WORK(/|$)" | sort -r | while read -r t; do umount "$t" 2>/dev/null || umount -l "$t"; done
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

configure_live() { # ROOT
  local r=$1
  echo firstaid-rescue > "$r/etc/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\tfirstaid-rescue\n' > "$r/etc/hosts"
  printf '# live system: nothing to mount\n' > "$r/etc/fstab"
  chroot "$r" sh -c 'echo root:firstaid | chpasswd'
  # A root shell on tty1 and on the serial console, no password (a rescue CD).
  local t
  for t in getty@tty1 serial-getty@ttyS0; do
    mkdir -p "$r/etc/systemd/system/$t.service.d"
    printf '[Service]\nExecStart=\nExecStart=-/sbin/agetty --autologin root --noclear --keep-baud 115200,38400,9600 %%I linux\n' \
      > "$r/etc/systemd/system/$t.service.d/autologin.conf"
  done
  cat > "$r/etc/motd" <<'EOF'

  firstaid rescue CD. To repair the installation on this machine's disk, type:

      firstaid              the guided repair screens (keyboard only)
      firstaid --help       the commands (systems, diagnose, fix, revert, backups, ...)

EOF
  cat > "$r/etc/profile.d/firstaid.sh" <<'EOF'
export TERM=${TERM:-linux} NO_COLOR=${NO_COLOR:-1}
EOF
  # Autorun (tests, unattended repairs): a disk labelled FAAUTORUN holding autorun.sh runs it
  # once, its output on the serial console, then the machine powers off.
  cat > "$r/usr/local/sbin/firstaid-autorun" <<'EOF'
#!/bin/sh
dev=/dev/disk/by-label/FAAUTORUN
for i in $(seq 20); do [ -e $dev ] && break; sleep 0.5; done
[ -e $dev ] || exit 0
mkdir -p /run/autorun && mount -o ro $dev /run/autorun || exit 0
[ -f /run/autorun/autorun.sh ] || exit 0
echo "FIRSTAID-AUTORUN: START" >/dev/ttyS0
sh /run/autorun/autorun.sh >/dev/ttyS0 2>&1
echo "FIRSTAID-AUTORUN: END rc=$?" >/dev/ttyS0
sync
[ -e /run/autorun/keep-running ] || systemctl poweroff
EOF
  chmod 755 "$r/usr/local/sbin/firstaid-autorun"
  cat > "$r/etc/systemd/system/firstaid-autorun.service" <<'EOF'
[Unit]
Description=firstaid autorun (a disk labelled FAAUTORUN)
After=systemd-udev-settle.service local-fs.target systemd-udevd.service
Wants=systemd-udev-settle.service
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/firstaid-autorun
StandardOutput=journal+console
[Install]
WantedBy=multi-user.target
EOF
  ln -sf /etc/systemd/system/firstaid-autorun.service "$r/etc/systemd/system/multi-user.target.wants/firstaid-autorun.service"
  for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer; do ln -sf /dev/null "$r/etc/systemd/system/$u"; done
  # A small initrd (loads faster under TCG): the drivers a CD boot in QEMU or on a PC needs.
  printf 'MODULES=list\nCOMPRESS=zstd\n' > "$r/etc/initramfs-tools/conf.d/rescue"
  printf '%s\n' virtio_pci virtio_blk virtio_scsi sd_mod sr_mod cdrom isofs ata_piix ata_generic \
    ahci usb_storage uas xhci_pci ehci_pci ohci_pci uhci_hcd nvme squashfs overlay loop \
    nls_cp437 nls_ascii nls_utf8 vfat >> "$r/etc/initramfs-tools/modules"
  mount -t proc proc "$r/proc"; mount -t sysfs sysfs "$r/sys"; mount -t tmpfs tmpfs "$r/dev"
  cp -a /dev/null /dev/zero /dev/urandom /dev/random "$r/dev/"
  chroot "$r" update-initramfs -u -k all
  umount "$r/dev" "$r/sys" "$r/proc"
  rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/cache/apt/*.bin "$r"/var/lib/apt/lists/* \
         "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/info/*
  find "$r/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
}

build_base() {
  exec 9>"$CACHE/.rescue-base.lock"; flock 9
  [ -s "$TREE/live/filesystem.squashfs" ] && return 0
  local t0=$SECONDS root iso
  WORK=$(mktemp -d "$CACHE/rescue-build.XXXXXX")
  root=$WORK/root iso=$WORK/iso
  mkdir -p "$CACHE/debs" "$iso/live"
  log "debootstrap bookworm with the live system's packages (a few minutes) ..."
  debootstrap --variant=minbase --cache-dir="$CACHE/debs" --include="$PACKAGES" bookworm "$root" "$MIRROR" \
    > "$WORK/debootstrap.log" 2>&1 || { tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }
  configure_live "$root"
  cp "$(ls "$root"/boot/vmlinuz-* | tail -1)" "$iso/live/vmlinuz"
  cp "$(ls "$root"/boot/initrd.img-* | tail -1)" "$iso/live/initrd.img"
  mksquashfs "$root" "$iso/live/filesystem.squashfs" -comp zstd -e boot -noappend -quiet
  rm -rf "$TREE"; mv "$iso" "$TREE"
  log "the CD's tree: $TREE ($(du -sh "$TREE" | cut -f1)) in $((SECONDS - t0)) s"
  rm -rf "$WORK"; WORK=
}

# ---- every run: the executable on top, the boot menu, the boot images
# The boot menu is written each run (cheap): its kernel arguments can change without a rebuild.
# No "quiet": the serial console shows how far a slow (emulated) boot got. Under emulation on a
# busy machine the guest's clock runs ahead of its CPU: the lockup and RCU stall detectors
# only add stack dumps, so they are off.
LIVE_ARGS=${LIVE_ARGS:-"nowatchdog rcupdate.rcu_cpu_stall_suppress=1"}
grub_cfg() {
  cat <<EOF
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
set timeout=1
set default=0
menuentry "firstaid rescue (live)" {
  linux /live/vmlinuz boot=live noeject console=tty1 console=ttyS0,115200n8 $LIVE_ARGS
  initrd /live/initrd.img
}
menuentry "firstaid rescue (live, copy to RAM)" {
  linux /live/vmlinuz boot=live noeject toram console=tty1 console=ttyS0,115200n8 $LIVE_ARGS
  initrd /live/initrd.img
}
EOF
}

t0=$SECONDS
build_base
[ -x "$EXE" ] || die "no executable at $EXE (run: npm run package)"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rescue-iso.XXXXXX")
mkdir -p "$WORK/layer/usr/local/bin"
cp "$EXE" "$WORK/layer/usr/local/bin/firstaid"
chmod 755 "$WORK/layer/usr/local/bin/firstaid"
# Uncompressed: an emulated guest spends its time decompressing; a CD read costs little.
mksquashfs "$WORK/layer" "$WORK/zz-firstaid.squashfs" -noI -noD -noF -noX -noappend -quiet -no-progress -all-root
mkdir -p "$WORK/extra/live" "$WORK/extra/boot/grub"
mv "$WORK/zz-firstaid.squashfs" "$WORK/extra/live/"
grub_cfg > "$WORK/extra/boot/grub/grub.cfg"
rm -f "$OUT.tmp"
# -md5 on: the session's MD5 tag and every file's MD5, so `firstaid disc verify /dev/sr0` on the
# booted CD has something to check (without them it can only say "cannot be verified").
grub-mkrescue -o "$OUT.tmp" "$TREE" "$WORK/extra" -- -volid FIRSTAID_RESCUE -md5 on 2> "$WORK/mkrescue.log" \
  || { cat "$WORK/mkrescue.log" >&2; die "grub-mkrescue failed"; }
mv "$OUT.tmp" "$OUT"
log "$OUT ($(du -h "$OUT" | cut -f1)) in $((SECONDS - t0)) s"
echo "$OUT"
