// Saving an export: ask where in the native save dialog, write it with progress, and say
// how it went (naming the offline copy's time when it came from this computer's store).
import { Channel } from '@tauri-apps/api/core';
import { save } from '@tauri-apps/plugin-dialog';
import type { ExportDone } from './bindings';
import { callOrg } from './access';
import { explain } from './errors';
import type { CommandResult } from './ipc';
import { offlineCopyMessage } from './outcome';
import { toast } from './toast.svelte';

export type ExportJob = {
  orgId: string;
  /** The save dialog's title, suggested file name and file type. */
  title: string;
  defaultPath: string;
  filter: { name: string; extensions: string[] };
  /** Writes the file at `path`, reporting the bytes written on `progress`. */
  write: (path: string, progress: Channel<number>) => Promise<CommandResult<ExportDone>>;
  /** The success toast for a file made from the server's data. */
  saved: (done: ExportDone) => string;
  /** The start of the failure toast, e.g. "The export failed". */
  failed: string;
  /** Called once a path was chosen, before writing starts. */
  onstart: () => void;
  onprogress: (bytes: number) => void;
};

/** Runs an export; resolves when it is done, failed (with a toast) or cancelled. */
export async function exportToFile(job: ExportJob): Promise<void> {
  let path: string | null;
  try {
    path = await save({ title: job.title, defaultPath: job.defaultPath, filters: [job.filter] });
  } catch (e) {
    toast(`The save dialog could not open: ${explain(e)}`, 'error');
    return;
  }
  if (!path) return; // cancelled
  job.onstart();
  const progress = new Channel<number>();
  progress.onmessage = job.onprogress;
  try {
    const done = await callOrg(job.orgId, job.write(path, progress));
    toast(offlineCopyMessage(done) ?? job.saved(done), 'success', 7000);
  } catch (e) {
    toast(`${job.failed}: ${explain(e)}`, 'error');
  }
}
