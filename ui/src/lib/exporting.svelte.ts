// An export a page shows while it runs (with lib/components/Progress): which one, for a
// page that offers several formats, and how many bytes are written so far.
import { exportToFile, type ExportJob } from './exportFile';

export class Exporting<K = true> {
  /** The export under way, once a place was chosen; null when none is. */
  running = $state<K | null>(null);
  written = $state(0);
  /** Whether an export (its save dialog included) is under way: one at a time. */
  #busy = false;

  /** Runs `job` as `kind` unless one is running; resolves when done, failed or cancelled. */
  async run(kind: K, job: Omit<ExportJob, 'onstart' | 'onprogress'>): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      await exportToFile({
        ...job,
        onstart: () => {
          this.running = kind;
          this.written = 0;
        },
        onprogress: (n) => (this.written = n),
      });
    } finally {
      this.running = null;
      this.#busy = false;
    }
  }
}
