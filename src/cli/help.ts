/** `firstaid --help`. Kept to 80 columns and ASCII. */
export const HELP = `firstaid - guided, reversible repair of a broken Linux installation

Usage:
  firstaid [OPTIONS]                 start the repair screens (needs a terminal)
  firstaid systems [--json]          list the Linux installations found
  firstaid diagnose [--json]         every rescue plugin's checks (read-only)
  firstaid fix PLUGIN [--yes] [--dry-run] [--choice ID=VALUE]
                                     back up, repair, verify (grub, fstab,
                                     initramfs, passwd)
  firstaid fix passwd [--password-stdin] [--choice account=NAME]
                                     new password for root or NAME, typed
                                     twice (or read from standard input);
                                     --choice action=unlock unlocks instead
  firstaid revert BACKUP_ID [--force]
                                     undo a fix from its backup
  firstaid backups list|show|verify|delete [BACKUP_ID] [--json]
                                     the backups of earlier fixes
  firstaid log                       where the session logs are written
  firstaid disc drives|status|verify|rebuild --drive D [--media M]
                                     CD/DVD drives and discs (D: /dev/srN,
                                     a loop device or an image file; also
                                     as in: firstaid disc verify /dev/sr0)
  firstaid disc write --drive D [--new] [--ecc] [--media M] SOURCE...
                                     backups (ids) and directories to a disc
                                     (--ecc: RS03 data, a new closed disc)
  firstaid disc repair --drive D --to FILE
                                     read a damaged ECC disc, repair to FILE
  firstaid revert BACKUP_ID --from-disc D
                                     undo a fix from a backup on a disc
  firstaid peers list|check|stage [--peers FILE] [--staging DIR] [--json]
                                     back up other machines: check a pool's
                                     peers, stage them under YYYY/MM/DD/<peer>
  firstaid archive create SOURCE --to URL [--type T] [--strength N]
           [--level N|--incremental] [--name ID] [--provider external|internal]
                                     archive a backup id, a path inside the
                                     target or a directory to a storage URL
  firstaid archive list URL          the archives there
  firstaid archive extract URL ID DIR [--level N]
                                     restore levels 0..N into an empty DIR
  firstaid archive keep URL ID KEEPING_ID | remove URL ID [--from-level N]
                                     ssh: --identity FILE --known-hosts FILE
                                     --accept-host-key SHA256:...; s3:
                                     --endpoint URL --region R; kept
                                     archives: --keeping K
  firstaid storage ls|stat|get|put|rm URL [NAME|FILE ...]
                                     files at a storage URL: a directory,
                                     file://, sftp://, rsync://, rsync+ssh://,
                                     s3://bucket/prefix, par2+ before any

Options (accepted before or after the command):
  --image FILE         work on a disk image (attached read-only until a fix)
  --root DIR           work on an installation already mounted at DIR
  --system ID          which installation, when there are several
  --backup-store DIR   keep backups in DIR (default: the target's own
                       /var/lib/firstaid/backups, so they survive a reboot)
  --json               machine-readable output
  --dry-run            show what a fix would do; change nothing
  --yes, -y            do not ask for confirmation
  --force              revert even though files changed since the fix
  --help, -h           this text
  --version, -V        the version
  storage: --identity FILE, --known-hosts FILE, --accept-host-key SHA256:..,
           --endpoint URL (S3-compatible), --region R, --bwlimit KBIT

Exit codes:
  0  fine: nothing wrong, or the operation succeeded
  1  a problem was found, or the operation failed (the message says why)
  2  usage: wrong command or options, or no terminal for the screens

Environment: NO_COLOR=1 turns colours off.
`;
