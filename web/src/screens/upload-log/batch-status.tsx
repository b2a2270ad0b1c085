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
}: {
  status: UploadBatchStatus;
  dryRun: boolean;
  recordsProcessed: number;
  totalRows: number | null;
  rejectionReason: string | null;
  failureReason: string | null;
}) => {
  const check = dryRun ? ' (check only, nothing created)' : '';
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
      return <>{dryRun ? 'Checked (nothing created)' : 'Completed'}</>;
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
  }
};
