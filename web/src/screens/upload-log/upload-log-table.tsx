import { memo, useLayoutEffect } from 'react';
import { graphql } from '../../gql';
import type { LogBatchFragment } from '../../gql/graphql';
import { momentParts } from '../../components/format';
import { Link } from '../../routing/path';
import { BatchStatus } from './batch-status';
import { TakeBack, type TakeBackOutcome } from './take-back';

/** What one row of the log shows: asked for by the log's pages and by each live change alike. */
export const LOG_BATCH = graphql(`
  fragment LogBatch on UploadBatch {
    id
    fileName
    status
    dryRun
    totalRows
    recordsProcessed
    recordsCreated
    recordsSkipped
    recordsFailed
    rejectionReason
    failureReason
    recordsRemoved
    recordsKept
    createAccountsUntil
    rowsCorrected
    checkBatchId
    startTime
    endTime
    schoolSite {
      id
      name
    }
    uploadedBy {
      id
      firstName
      lastName
    }
  }
`);

export type LogBatch = LogBatchFragment;

/** The name of the measure the bench reads: how long the log's rows took to render and reach the page. */
export const LOG_RENDER_MEASURE = 'upload-log-render';

const Moment = ({ iso }: { iso: string | null }) => {
  if (!iso) return <>–</>;
  const [day, time] = momentParts(iso);
  return (
    <time dateTime={iso}>
      <span className="app-nowrap">{day}</span> <span className="app-nowrap">{time}</span>
    </time>
  );
};

const BatchRow = memo(({ batch, onOutcome }: { batch: LogBatch; onOutcome?: (outcome: TakeBackOutcome) => void }) => (
  <tr>
    <td data-label="Start Time">
      <Moment iso={batch.startTime} />
    </td>
    <td data-label="End Time">
      <Moment iso={batch.endTime} />
    </td>
    <td data-label="File Name" className="app-break">
      {batch.fileName}
    </td>
    <td data-label="Belongs To">{batch.schoolSite.name}</td>
    <td data-label="Status" className={batch.status === 'REJECTED' || batch.status === 'FAILED' ? 'app-wide' : undefined}>
      <BatchStatus
        status={batch.status}
        dryRun={batch.dryRun}
        recordsProcessed={batch.recordsProcessed}
        totalRows={batch.totalRows}
        rejectionReason={batch.rejectionReason}
        failureReason={batch.failureReason}
        recordsCreated={batch.recordsCreated}
        recordsRemoved={batch.recordsRemoved ?? null}
        recordsKept={batch.recordsKept ?? null}
        rowsCorrected={batch.rowsCorrected}
        fromCheck={Boolean(batch.checkBatchId)}
      />
    </td>
    <td data-label="Record Processed">{batch.recordsProcessed}</td>
    <td data-label="Created">{batch.recordsCreated}</td>
    <td data-label="Skipped">{batch.recordsSkipped}</td>
    <td data-label="Record Failed">
      {batch.recordsFailed > 0 ? (
        <Link href={`/batches/${batch.id}`} className="usa-link">
          {batch.recordsFailed}
          <span className="usa-sr-only">{` failed ${batch.recordsFailed === 1 ? 'row' : 'rows'} in ${batch.fileName}`}</span>
        </Link>
      ) : (
        batch.recordsFailed
      )}
    </td>
    <td data-label="Uploaded By">
      {batch.uploadedBy.firstName} {batch.uploadedBy.lastName}
    </td>
    <td data-label="Actions">
      {onOutcome && <TakeBack batch={batch} onOutcome={onOutcome} />}
      {onOutcome && batch.dryRun && batch.createAccountsUntil && (
        <Link href={`/batches/${batch.id}`} className="usa-link">
          Preview and create
          <span className="usa-sr-only">{` the accounts of ${batch.fileName}`}</span>
        </Link>
      )}
    </td>
  </tr>
));

/** Widths (in %, as classes) of the eleven columns: a fixed table layout lays a long log out faster than an automatic one. */
const COLUMN_WIDTHS = [8, 8, 11, 9, 17, 7, 7, 7, 7, 9, 10] as const;

/**
 * With `onOutcome` (which must keep its identity between renders: the rows are memoized on it), each row offers to
 * cancel or undo its upload; without it the table only shows the log (as the render bench draws it).
 */
export const UploadLogTable = ({ batches, onOutcome }: { batches: LogBatch[]; onOutcome?: (outcome: TakeBackOutcome) => void }) => {
  // eslint-disable-next-line react-hooks/purity -- the render's start time is the measurement itself, not render output
  const started = performance.now();
  useLayoutEffect(() => {
    performance.clearMeasures(LOG_RENDER_MEASURE);
    performance.measure(LOG_RENDER_MEASURE, { start: started, detail: { rows: batches.length } });
  });
  return (
    <table className="usa-table usa-table--borderless app-stacked app-log-table">
      <caption>Upload log</caption>
      <colgroup>
        {COLUMN_WIDTHS.map((width, index) => (
          <col key={index} className={`app-col-${width}`} />
        ))}
      </colgroup>
      <thead>
        <tr>
          <th scope="col">Start Time</th>
          <th scope="col">End Time</th>
          <th scope="col">File Name</th>
          <th scope="col">Belongs To</th>
          <th scope="col">Status</th>
          <th scope="col">Record Processed</th>
          <th scope="col">Created</th>
          <th scope="col">Skipped</th>
          <th scope="col">Record Failed</th>
          <th scope="col">Uploaded By</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {batches.map((batch) => (
          <BatchRow key={batch.id} batch={batch} onOutcome={onOutcome} />
        ))}
      </tbody>
    </table>
  );
};
