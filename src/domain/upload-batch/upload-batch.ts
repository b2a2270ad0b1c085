import type { EmailMessage } from '../educator/invitation';

export type UploadBatchStatus = 'RECEIVING' | 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'REJECTED';

/** Statuses a person sees; RECEIVING is a file still arriving, invisible until it is stored whole. */
export const VISIBLE_BATCH_STATUSES: UploadBatchStatus[] = ['QUEUED', 'PROCESSING', 'COMPLETED', 'REJECTED'];

export interface BatchCounts {
  recordsProcessed: number;
  recordsCreated: number;
  recordsSkipped: number;
  recordsFailed: number;
}

/** A batch's counts after a chunk's own counts are added to them. */
export const addCounts = (a: BatchCounts, b: BatchCounts): BatchCounts => ({
  recordsProcessed: a.recordsProcessed + b.recordsProcessed,
  recordsCreated: a.recordsCreated + b.recordsCreated,
  recordsSkipped: a.recordsSkipped + b.recordsSkipped,
  recordsFailed: a.recordsFailed + b.recordsFailed,
});

export const completionEmail = (to: string, fileName: string, siteName: string, counts: BatchCounts, dryRun: boolean, logLink: string): EmailMessage => ({
  to,
  subject: `${dryRun ? 'Check' : 'Upload'} of ${fileName} finished: ${counts.recordsFailed} failed`,
  text: [
    `Your ${dryRun ? 'check (nothing was created)' : 'upload'} of ${fileName} for ${siteName} has finished.`,
    '',
    `Records processed: ${counts.recordsProcessed}`,
    `Created: ${counts.recordsCreated}`,
    `Already created earlier (skipped): ${counts.recordsSkipped}`,
    `Failed: ${counts.recordsFailed}`,
    '',
    counts.recordsFailed > 0
      ? 'Open the upload log to see which lines failed and why, fix them in your original file, and upload it again: only the failed rows will be created.'
      : 'Every row was handled.',
    '',
    `This upload in the log: ${logLink}`,
  ].join('\r\n'),
});

const MAX_FILE_NAME_LENGTH = 200;

/** The uploaded file's name is shown in the log and nothing else: never a path, never control characters. */
export const cleanFileName = (raw: string): string => {
  const lastSegment = raw.split(/[\\/]/).pop() ?? '';
  const cleaned = [...lastSegment.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim()].slice(0, MAX_FILE_NAME_LENGTH).join('');
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'upload.csv' : cleaned;
};
