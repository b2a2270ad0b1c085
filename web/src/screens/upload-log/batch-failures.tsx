import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../../gql';
import { Message } from '../../components/alert';
import { PageButtons } from '../../components/page-buttons';
import { plainMessageOf } from '../../components/service-error';
import { Link } from '../../routing/path';
import { isRunning } from './batch-status';
import { CheckPreview } from './check-preview';

const PAGE_SIZE = 25;

const BATCH_FAILURES = graphql(`
  query BatchFailures($id: ID!, $first: Int!, $after: String) {
    uploadBatch(id: $id) {
      id
      fileName
      status
      dryRun
      rejectionReason
      failureReason
      recordsFailed
      failures(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          lineNumber
          schoolName
          fileName
          type
          message
          reason
        }
      }
    }
  }
`);

/** One upload's failed rows, a page at a time, with the fix file to download. */
const BatchFailures = ({ batchId }: { batchId: string }) => {
  // The cursors of the pages visited so far: the last one is the page shown.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  // Another batch starts at its first page, before its first query (React's "adjusting state when a prop changes").
  const [cursorsOf, setCursorsOf] = useState(batchId);
  if (cursorsOf !== batchId) {
    setCursorsOf(batchId);
    setCursors([null]);
  }
  const heading = useRef<HTMLHeadingElement>(null);
  const after = cursors[cursors.length - 1];
  const failures = useQuery(BATCH_FAILURES, { variables: { id: batchId, first: PAGE_SIZE, after }, notifyOnNetworkStatusChange: false });
  const batch = failures.data?.uploadBatch;
  const running = batch ? isRunning(batch.status) : false;
  const { startPolling, stopPolling } = failures;

  // A running batch's failed rows grow; the live stream carries batches, not their rows, so these are asked for again.
  useEffect(() => {
    if (running) startPolling(1500);
    else stopPolling();
  }, [running, startPolling, stopPolling]);
  const found = Boolean(batch);
  useEffect(() => {
    if (!found) return;
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: 'start' });
  }, [found, batchId]);

  if (failures.error) {
    return (
      <Message kind="error" role="alert">
        {plainMessageOf(failures.error)}
      </Message>
    );
  }
  if (!failures.data) return <p role="status">Loading the failed rows…</p>;
  if (!batch) {
    return (
      <Message kind="error" role="alert">
        This upload does not exist, or it belongs to a school site you do not manage.
      </Message>
    );
  }
  if (batch.dryRun && batch.status === 'COMPLETED') {
    return (
      <>
        <CheckPreview batchId={batch.id} />
        <p className="margin-top-3">
          <Link href="/" className="usa-link">
            Close the preview
          </Link>
        </p>
      </>
    );
  }
  const { totalCount, pageInfo, nodes } = batch.failures;
  const first = (cursors.length - 1) * PAGE_SIZE + 1;
  return (
    <section className="margin-top-5 app-failures" aria-labelledby="failures-heading">
      <h2 id="failures-heading" ref={heading} tabIndex={-1}>
        {batch.status === 'REJECTED' ? `${batch.fileName} was not accepted` : `Failed rows in ${batch.fileName}`}
      </h2>
      {batch.status === 'REJECTED' && (
        <Message kind="error" role="alert" heading="The whole file was rejected">
          <p>{batch.rejectionReason}</p>
          <p>Nothing was created.</p>
        </Message>
      )}
      {batch.status === 'FAILED' && (
        <Message kind="error" role="alert" heading="Processing of this file stopped">
          <p>{batch.failureReason}</p>
        </Message>
      )}
      {totalCount === 0 && batch.status !== 'REJECTED' && <p>{running ? 'No row has failed so far.' : 'No row failed.'}</p>}
      {totalCount > 0 && (
        <>
          <p>
            Correct these rows in your file (or in the file below, which holds only them), then upload it again: rows already created are skipped, never created
            twice.
          </p>
          <p>
            <a className="usa-link" href={`/upload-batches/${batch.id}/failures.csv`} download>
              Download failed rows
            </a>
          </p>
          <table className="usa-table usa-table--borderless app-stacked">
            <caption>Failed rows in {batch.fileName}</caption>
            <thead>
              <tr>
                <th scope="col">School Name</th>
                <th scope="col">File Name</th>
                <th scope="col">Type</th>
                <th scope="col">Message</th>
                <th scope="col">Reason</th>
                <th scope="col">Line Number</th>
              </tr>
            </thead>
            <tbody>
              {nodes.map((failure) => (
                <tr key={failure.lineNumber}>
                  <td data-label="School Name">{failure.schoolName}</td>
                  <td data-label="File Name" className="app-break">
                    {failure.fileName}
                  </td>
                  <td data-label="Type">{failure.type}</td>
                  <td data-label="Message" className="app-break app-wide">
                    {failure.message}
                  </td>
                  <td data-label="Reason">{failure.reason}</td>
                  <td data-label="Line Number">{failure.lineNumber}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p role="status">
            Rows {first} to {first + nodes.length - 1} of {totalCount} failed rows.
          </p>
          <PageButtons
            hasPrevious={cursors.length > 1}
            hasNext={pageInfo.hasNextPage}
            onPrevious={() => setCursors((previous) => previous.slice(0, -1))}
            onNext={() => setCursors((previous) => [...previous, pageInfo.endCursor])}
          />
        </>
      )}
      <p className="margin-top-3">
        <Link href="/" className="usa-link">
          Close the failed rows
        </Link>
      </p>
    </section>
  );
};

export default BatchFailures;
