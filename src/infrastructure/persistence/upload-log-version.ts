import type { Statement } from './plain-sql';

/**
 * The upload log's counter, one per site: every change the log can show moves it on, in the same transaction, through
 * this one function. API processes answer log and failure pages again from memory only while their district's
 * counters stand still (answer-cache.ts; the accounts repository reads the sum with the viewer's account), and
 * live updates poll it (polled-upload-log-changes.ts).
 */
export const uploadLogChanged = (of: { schoolSiteId: number } | { batchId: number }): Statement =>
  'schoolSiteId' in of
    ? { sql: 'UPDATE upload_log_version SET version = version + 1 WHERE school_site_id = ?', params: [of.schoolSiteId] }
    : {
        sql: 'UPDATE upload_log_version SET version = version + 1 WHERE school_site_id = (SELECT school_site_id FROM upload_batch WHERE id = ?)',
        params: [of.batchId],
      };

/**
 * The site's counter exists before its first batch can be seen, so that every change after is a plain UPDATE. It starts
 * from the wall clock, so that a counter made anew (a restored database) cannot repeat an earlier value.
 */
export const uploadLogCounterFor = (schoolSiteId: number, mysql: boolean, now: number): Statement => ({
  sql: `INSERT ${mysql ? 'IGNORE' : 'OR IGNORE'} INTO upload_log_version (school_site_id, version) VALUES (?, ?)`,
  params: [schoolSiteId, now],
});
