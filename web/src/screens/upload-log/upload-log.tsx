import { lazy, Suspense, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useQuery, useSubscription } from '@apollo/client/react';
import type { StreamEvents } from '../../apollo/stream-link';
import { graphql } from '../../gql';
import { Message } from '../../components/alert';
import { plainMessageOf } from '../../components/service-error';
import { UploadLogTable } from './upload-log-table';
import type { TakeBackOutcome } from './take-back';

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
        ...LogBatch
      }
    }
  }
`);

const BATCH_CHANGED = graphql(`
  subscription UploadBatchChanged {
    uploadBatchChanged {
      ...LogBatch
    }
  }
`);

/**
 * Without the live stream (not open yet, lost, or given up on) the log is asked for again every 1.5 s, so that any change,
 * whichever process or person made it, still shows within 2 s without a reload. A hidden browser tab does not ask.
 */
const POLL_MS = 1500;
/** After graphql-sse has given up on the stream, it is tried again this long after. */
const STREAM_RETRY_MS = 30_000;

/**
 * Changes arrive on the stream and land in Apollo's cache by `UploadBatch:id`, which updates the rows shown; a batch the
 * page does not show yet (a new upload) makes it ask for the first page again. Answers whether the stream is open.
 */
const useLiveLog = (shownIds: () => Set<string>, refetch: () => Promise<unknown>): boolean => {
  const [streaming, setStreaming] = useState(false);
  const latest = useRef({ shownIds, refetch });
  useLayoutEffect(() => {
    latest.current = { shownIds, refetch };
  });
  const askAgain = () => void latest.current.refetch().catch(() => undefined);
  const [events] = useState<StreamEvents>(() => ({
    onConnecting: () => setStreaming(false),
    // Whatever changed before the stream (re)opened was not on it: the first page is asked for once more.
    onConnected: () => {
      setStreaming(true);
      askAgain();
    },
  }));
  const retry = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(retry.current), []);
  const live = useSubscription(BATCH_CHANGED, {
    context: events,
    ignoreResults: true,
    onData: ({ data }) => {
      const batch = data.data?.uploadBatchChanged;
      if (batch && !latest.current.shownIds().has(batch.id)) askAgain();
    },
    onError: () => ended(),
    onComplete: () => ended(),
  });
  const ended = () => {
    setStreaming(false);
    clearTimeout(retry.current);
    retry.current = setTimeout(() => live.restart(), STREAM_RETRY_MS);
  };
  return streaming;
};

export const UploadLog = ({ openBatchId }: { openBatchId?: string }) => {
  // Asking again merges the first page into what is shown (see apollo/client.ts) instead of dropping the pages loaded after it.
  const log = useQuery(UPLOAD_LOG, { refetchWritePolicy: 'merge', skipPollAttempt: () => document.hidden, notifyOnNetworkStatusChange: false });
  const page = log.data?.uploadBatches;
  const streaming = useLiveLog(() => new Set(page?.nodes.map((batch) => batch.id)), log.refetch);
  const { startPolling, stopPolling } = log;
  useEffect(() => {
    if (streaming) stopPolling();
    else startPolling(POLL_MS);
  }, [streaming, startPolling, stopPolling]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [outcome, setOutcome] = useState<TakeBackOutcome | null>(null);

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
      {outcome && (
        <Message kind={outcome.kind} role={outcome.kind === 'success' ? 'status' : 'alert'}>
          {outcome.text}
        </Message>
      )}
      {!page && !log.error && <p role="status">Loading the upload log…</p>}
      {page && page.nodes.length === 0 && <p>No file has been uploaded yet for your school sites.</p>}
      {page && page.nodes.length > 0 && (
        <>
          <UploadLogTable batches={page.nodes} onOutcome={setOutcome} />
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
