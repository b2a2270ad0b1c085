import '@uswds/uswds/css/uswds.min.css';
import '../../web/src/styles/app.css';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { LOG_RENDER_MEASURE, UploadLogTable, type LogBatch } from '../../web/src/screens/upload-log/upload-log-table';

const STATUSES = ['COMPLETED', 'COMPLETED', 'PROCESSING', 'REJECTED', 'QUEUED'] as const;

/** A log as a busy district sees it: finished, running, waiting and rejected files of two sites. */
const aLog = (rows: number): LogBatch[] =>
  Array.from({ length: rows }, (_, index) => {
    const status = STATUSES[index % STATUSES.length];
    const at = new Date(Date.UTC(2026, 10, 1, 8, 0, 0) - index * 60_000).toISOString();
    return {
      __typename: 'UploadBatch',
      id: `batch-${index}`,
      fileName: `staff-${String(index).padStart(3, '0')}.csv`,
      status,
      dryRun: index % 7 === 0,
      totalRows: 250,
      recordsProcessed: status === 'COMPLETED' ? 250 : status === 'PROCESSING' ? 120 : 0,
      recordsCreated: status === 'COMPLETED' ? 240 : 0,
      recordsSkipped: status === 'COMPLETED' ? 5 : 0,
      recordsFailed: status === 'COMPLETED' ? 5 : 0,
      rejectionReason: status === 'REJECTED' ? 'Missing columns: User Role. Expected: First Name, Last Name, Email, User Role' : null,
      failureReason: null,
      recordsRemoved: null,
      recordsKept: null,
      createAccountsUntil: null,
      rowsCorrected: 0,
      checkBatchId: null,
      startTime: status === 'QUEUED' || status === 'REJECTED' ? null : at,
      endTime: status === 'COMPLETED' ? at : null,
      schoolSite: { __typename: 'SchoolSite', id: `site-${index % 2}`, name: index % 2 ? 'Demo Middle School' : 'Demo Partner High' },
      uploadedBy: { __typename: 'EducatorAccount', id: 'admin', firstName: 'Sam', lastName: 'Site' },
    };
  });

/**
 * Renders the log's table with `rows` batches into a fresh root; answers the table's own measure (render to commit),
 * the time until its styles and layout are computed, and until the frame after it (paint included).
 */
const renderLog = async (rows: number): Promise<{ committedMs: number; laidOutMs: number; paintedMs: number }> => {
  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  const batches = aLog(rows);
  const start = performance.now();
  flushSync(() => root.render(<UploadLogTable batches={batches} />));
  const committedMs = performance.getEntriesByName(LOG_RENDER_MEASURE).at(-1)!.duration;
  // Reading a size makes Chromium compute the styles and the layout now.
  void host.offsetHeight;
  const laidOutMs = performance.now() - start;
  await new Promise((frame) => requestAnimationFrame(() => setTimeout(frame, 0)));
  const paintedMs = performance.now() - start;
  root.unmount();
  host.remove();
  return { committedMs, laidOutMs, paintedMs };
};

(window as unknown as { renderLog: typeof renderLog }).renderLog = renderLog;
document.title = 'ready';
