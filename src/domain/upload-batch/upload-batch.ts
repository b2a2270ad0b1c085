import type { EmailMessage } from '../educator/invitation';

/** FAILED: processing stopped for good part way, after errors that trying again did not get past. */
export type UploadBatchStatus = 'RECEIVING' | 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'REJECTED' | 'FAILED';

/** Statuses a person sees; RECEIVING is a file still arriving, invisible until it is stored whole. */
export const VISIBLE_BATCH_STATUSES: UploadBatchStatus[] = ['QUEUED', 'PROCESSING', 'COMPLETED', 'REJECTED', 'FAILED'];

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

/** Why a batch ended as FAILED, for the person who uploaded it: what stands, what did not happen, and what to do. */
export const failureReason = (counts: BatchCounts, totalRows: number, attempts: number): string =>
  `Processing stopped after ${attempts} attempts failed with an error on our side that trying again did not get past. ` +
  `The first ${counts.recordsProcessed} of ${totalRows} rows were handled and stay as counted (${counts.recordsCreated} created, ` +
  `${counts.recordsSkipped} skipped, ${counts.recordsFailed} failed); the other ${totalRows - counts.recordsProcessed} were not processed. ` +
  'Upload the same file again later to finish it (accounts already created are skipped); if it stops again, contact support with the reference ' +
  'the upload log shows for this upload.';

export const failedEmail = (to: string, fileName: string, siteName: string, reason: string): EmailMessage => ({
  to,
  subject: `Upload of ${fileName} stopped before the end`,
  text: [`Your upload of ${fileName} for ${siteName} stopped before the end.`, '', reason].join('\r\n'),
});

const MAX_FILE_NAME_LENGTH = 200;

/** The uploaded file's name is shown in the log and nothing else: never a path, never control characters. */
export const cleanFileName = (raw: string): string => {
  const lastSegment = raw.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are what this strips from a file name
  const cleaned = [...lastSegment.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim()].slice(0, MAX_FILE_NAME_LENGTH).join('');
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'upload.csv' : cleaned;
};
