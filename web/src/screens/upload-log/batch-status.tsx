import type { UploadBatchStatus } from '../../gql/graphql';

export const isRunning = (status: UploadBatchStatus): boolean => status === 'QUEUED' || status === 'PROCESSING';

/** The status in words, with the progress of a running batch and the reason of a rejected or failed one. */
export const BatchStatus = ({
  status,
  dryRun,
  recordsProcessed,
  totalRows,
  rejectionReason,
  failureReason,
  recordsCreated,
  recordsRemoved,
  recordsKept,
  rowsCorrected = 0,
  fromCheck = false,
}: {
  status: UploadBatchStatus;
  dryRun: boolean;
  recordsProcessed: number;
  totalRows: number | null;
  rejectionReason: string | null;
  failureReason: string | null;
  recordsCreated: number;
  recordsRemoved: number | null;
  recordsKept: number | null;
  /** Rows corrected in the page: on a check, its own; on an upload created from a check, those it read. */
  rowsCorrected?: number;
  fromCheck?: boolean;
}) => {
  const check = dryRun ? ' (check only, nothing created)' : '';
  const corrected = rowsCorrected === 1 ? '1 row corrected in the page' : `${rowsCorrected} rows corrected in the page`;
  const origin = [fromCheck ? 'created from a check' : '', rowsCorrected > 0 ? corrected : ''].filter(Boolean).join(', ');
  switch (status) {
    case 'QUEUED':
      return <>Waiting to start{check}</>;
    case 'PROCESSING':
      return (
        <>
          Processing: {recordsProcessed} of {totalRows ?? '?'} rows{check}
          {totalRows ? <progress className="app-progress app-progress--small" max={totalRows} value={recordsProcessed} aria-label="Rows processed" /> : null}
        </>
      );
    case 'COMPLETED':
      return (
        <>
          {dryRun ? 'Checked (nothing created)' : 'Completed'}
          {origin && (
            <>
              {' '}
              <span className="display-block text-base">{origin}</span>
            </>
          )}
        </>
      );
    case 'REJECTED':
      return (
        <>
          <strong>Rejected:</strong> {rejectionReason}
        </>
      );
    case 'FAILED':
      return (
        <>
          <strong>Failed:</strong> {failureReason}
        </>
      );
    case 'CANCELLED':
      return (
        <>
          <strong>Cancelled</strong> after {recordsProcessed} of {totalRows ?? '?'} rows; {recordsCreated} created before it stopped
        </>
      );
    case 'UNDONE':
      return (
        <>
          <strong>Undone:</strong> {recordsRemoved ?? 0} pending removed, {recordsKept ?? 0} registered kept
        </>
      );
  }
};
