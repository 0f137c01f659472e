/**
 * Background syncfs while many files are written without their own fsync: every
 * EARLY_SYNC_BYTES one starts (one at a time), so the disk writes while the copy goes on and
 * the final syncfs, which must succeed, has little left (dpkg does the same with
 * sync_file_range). An early one's failure is not lost: the final one runs anyway.
 */

/** Unsynced bytes that start a background syncfs. */
export const EARLY_SYNC_BYTES = 16 << 20;

export class EarlySync {
  private unsynced = 0;
  private running: Promise<void> | undefined;

  constructor(private readonly sync: () => Promise<void>) {}

  wrote(bytes: number): void {
    this.unsynced += bytes;
    if (this.unsynced < EARLY_SYNC_BYTES || this.running) return;
    this.unsynced = 0;
    const run: Promise<void> = this.sync()
      .catch(() => undefined)
      .finally(() => {
        if (this.running === run) this.running = undefined;
      });
    this.running = run;
  }

  /** Waits for the early syncfs still running, if any (before the final one). */
  async settle(): Promise<void> {
    await this.running;
  }
}
