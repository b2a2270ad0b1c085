import { lazy, Suspense, useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../../gql';
import { Message } from '../../components/alert';
import { plainMessageOf } from '../../components/service-error';
import { UploadLogTable } from './upload-log-table';

// Failed rows are looked at now and then, from the log or from the email's link: their code loads when they are opened.
const BatchFailures = lazy(() => import('./batch-failures'));

export const UPLOAD_LOG_OPERATION = 'UploadLog';

const UPLOAD_LOG = graphql(`
  query UploadLog($after: String) {
    uploadBatches(first: 25, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
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
    }
  }
`);

/**
 * Asked again every 1.5 s (the service answers an unchanged log from memory), so any change, whichever process or person
 * made it, shows within 2 s without a reload. A hidden browser tab does not ask.
 */
const POLL_MS = 1500;

export const UploadLog = ({ openBatchId }: { openBatchId?: string }) => {
  const log = useQuery(UPLOAD_LOG, { pollInterval: POLL_MS, skipPollAttempt: () => document.hidden, notifyOnNetworkStatusChange: false });
  const [loadingMore, setLoadingMore] = useState(false);
  const page = log.data?.uploadBatches;

  const loadMore = async () => {
    if (!page?.pageInfo.endCursor) return;
    setLoadingMore(true);
    try {
      await log.fetchMore({ variables: { after: page.pageInfo.endCursor } });
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <section className="margin-top-5" aria-labelledby="log-heading">
      <h2 id="log-heading">Files uploaded</h2>
      {log.error && !page && (
        <Message kind="error" role="alert">
          {plainMessageOf(log.error)}
        </Message>
      )}
      {!page && !log.error && <p role="status">Loading the upload log…</p>}
      {page && page.nodes.length === 0 && <p>No file has been uploaded yet for your school sites.</p>}
      {page && page.nodes.length > 0 && (
        <>
          <UploadLogTable batches={page.nodes} />
          <p role="status" className="margin-top-1">
            Showing {page.nodes.length} of {page.totalCount} uploads, newest first.
          </p>
          {page.pageInfo.hasNextPage && (
            <button type="button" className="usa-button usa-button--outline" onClick={() => void loadMore()} aria-busy={loadingMore}>
              Load more
            </button>
          )}
        </>
      )}
      {openBatchId && (
        <Suspense fallback={<p role="status">Loading the failed rows…</p>}>
          <BatchFailures batchId={openBatchId} />
        </Suspense>
      )}
    </section>
  );
};
