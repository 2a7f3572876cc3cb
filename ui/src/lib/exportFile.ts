// Saving an export: the command opens the native save dialog itself (the UI suggests a
// file name, never a path), writes where the user chose with progress, and we say how it
// went (naming the offline copy's time when it came from this computer's store).
import { Channel } from '@tauri-apps/api/core';
import type { ExportDone } from './bindings';
import { callOrg } from './access';
import { explain } from './errors';
import type { CommandResult } from './ipc';
import { offlineCopyMessage } from './outcome';
import { toast } from './toast.svelte';

export type ExportJob = {
  orgId: string;
  /** The file name the save dialog suggests (the command adds the extension if missing). */
  fileName: string;
  /**
   * Runs the export command: it asks where in the save dialog, then writes there,
   * reporting on `progress` 0 once a place was chosen, then the bytes written. Null when
   * the dialog was cancelled.
   */
  write: (fileName: string, progress: Channel<number>) => Promise<CommandResult<ExportDone | null>>;
  /** The success toast for a file made from the server's data. */
  saved: (done: ExportDone) => string;
  /** The start of the failure toast, e.g. "The export failed". */
  failed: string;
  /** Called once a place was chosen, before writing starts. */
  onstart: () => void;
  onprogress: (bytes: number) => void;
};

/** Runs an export; resolves when it is done, failed (with a toast) or cancelled (silently). */
export async function exportToFile(job: ExportJob): Promise<void> {
  let started = false;
  const progress = new Channel<number>();
  progress.onmessage = (bytes) => {
    if (!started) {
      started = true;
      job.onstart();
    }
    job.onprogress(bytes);
  };
  try {
    const done = await callOrg(job.orgId, job.write(job.fileName, progress));
    if (!done) return; // cancelled
    toast(offlineCopyMessage(done) ?? job.saved(done), 'success', 7000);
  } catch (e) {
    toast(`${job.failed}: ${explain(e)}`, 'error');
  }
}
