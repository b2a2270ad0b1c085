import { Router, type Request, type Response } from 'express';
import { AccessDenied } from '../../application/access-denied';
import type { IdentifyActor } from '../../application/identify-actor';
import type { AccountFilters, ListEducatorAccounts } from '../../application/list-educator-accounts';
import type { AccountQuery } from '../../application/ports/account-directory';
import type { Clock } from '../../application/ports/clock';
import type { AccountStatus } from '../../domain/educator/educator-account';
import { ROLE_CODES, type RoleCode } from '../../domain/role/role';
import type { SchoolSiteRepository } from '../../domain/school/school-site';
import { accountsCsv } from '../csv/accounts-csv';
import type { ReadUploadLog } from '../../application/read-upload-log';
import { TEMPLATE_FILE_NAME, templateContent } from '../../domain/upload-batch/educator-template';
import type { PublicIds } from '../auth/public-ids';
import { failuresCsv } from '../csv/failures-csv';
import { TEMPLATE_WORKBOOK_FILE_NAME, templateWorkbook, XLSX_CONTENT_TYPE } from '../workbook/template-workbook';
import type { Log } from '../logging';
import { SIGN_IN_FIRST } from '../graphql/context';
import { credentialsOf } from './session-cookie';

const attachment = (response: Response, fileName: string, contentType = 'text/csv; charset=utf-8'): void => {
  response.setHeader('Content-Type', contentType);
  response.setHeader('Content-Disposition', `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  response.setHeader('Cache-Control', 'no-store');
};

/** Plain HTTP downloads for browsers, with the same credentials (session cookie or bearer token) and scope rules as GraphQL. */
export interface AccountExport {
  listAccounts: ListEducatorAccounts;
  sites: SchoolSiteRepository;
  clock: Clock;
}

const STATUSES: readonly string[] = ['PENDING_REGISTRATION', 'ACTIVE', 'EXPIRED', 'DEACTIVATED'];
const SORT_FIELDS: readonly string[] = ['NAME', 'EMAIL', 'CREATED_AT'];

/** The educatorAccounts filters from query parameters; null when one names no allowed value. */
const filtersIn = (query: Request['query']): AccountFilters | null => {
  const text = (name: string): string | null => (typeof query[name] === 'string' && query[name] !== '' ? String(query[name]) : null);
  const [status, roleCode, search, field, direction] = ['status', 'roleCode', 'search', 'sort', 'direction'].map(text);
  if (status && !STATUSES.includes(status)) return null;
  if (roleCode && !(ROLE_CODES as readonly string[]).includes(roleCode)) return null;
  if ((field && !SORT_FIELDS.includes(field)) || (direction && !['ASC', 'DESC'].includes(direction)) || (search?.length ?? 0) > 200) return null;
  return {
    status: status as AccountStatus | null,
    roleCode: roleCode as RoleCode | null,
    search,
    sort: field ? { field: field as 'NAME' | 'EMAIL' | 'CREATED_AT', direction: (direction ?? 'ASC') as 'ASC' | 'DESC' } : null,
  };
};

export const downloadRoutes = (identifyActor: IdentifyActor, uploadLog: ReadUploadLog, publicIds: PublicIds, log: Log, accounts: AccountExport): Router => {
  const router = Router();
  const viewer = async (request: Request, response: Response) => {
    const found = await identifyActor.execute(credentialsOf(request));
    if (!found) response.status(401).json({ error: SIGN_IN_FIRST });
    return found;
  };

  router.get('/templates/educator-accounts.csv', async (request, response) => {
    if (!(await viewer(request, response))) return;
    attachment(response, TEMPLATE_FILE_NAME);
    response.send(templateContent());
  });

  router.get('/templates/educator-accounts.xlsx', async (request, response) => {
    if (!(await viewer(request, response))) return;
    attachment(response, TEMPLATE_WORKBOOK_FILE_NAME, XLSX_CONTENT_TYPE);
    response.send(await templateWorkbook());
  });

  router.get('/upload-batches/:id/failures.csv', async (request, response) => {
    const found = await viewer(request, response);
    if (!found) return;
    const batch = (await uploadLog.findBatch(found.actor, publicIds.decode('batch', String(request.params.id))))?.batch;
    if (!batch) {
      response.status(404).json({ error: 'No such upload.' });
      return;
    }
    attachment(response, `${batch.fileName.replace(/\.(csv|xlsx)$/i, '')}-failures.csv`);
    try {
      for await (const text of failuresCsv(uploadLog.streamFailures(batch))) response.write(text);
      response.end();
    } catch (error) {
      log('Failure download broke off', { level: 'warn', batchId: batch.id, error: error instanceof Error ? error.stack : String(error) });
      response.destroy();
    }
  });
  router.get('/accounts.csv', async (request, response) => {
    const found = await viewer(request, response);
    if (!found) return;
    const filters = filtersIn(request.query);
    if (!filters) {
      response.status(400).json({ error: 'A filter names no allowed value: see educatorAccounts in docs/api.md.' });
      return;
    }
    const siteParameter = typeof request.query.schoolSiteId === 'string' && request.query.schoolSiteId !== '' ? request.query.schoolSiteId : null;
    const siteId = siteParameter === null ? null : publicIds.decode('site', siteParameter);
    let query: AccountQuery;
    try {
      query = await accounts.listAccounts.queryFor(found.actor, siteId, filters);
    } catch (error) {
      if (!(error instanceof AccessDenied)) throw error;
      // The same answer as for a site that does not exist.
      response.status(404).json({ error: 'No such school site.' });
      return;
    }
    attachment(response, 'educator-accounts.csv');
    try {
      for await (const text of accountsCsv(accounts.listAccounts.streamAll(query), accounts.sites, accounts.clock.now()))
        if (!response.write(text)) await new Promise((resolve) => response.once('drain', resolve));
      response.end();
    } catch (error) {
      log('Accounts download broke off', { level: 'warn', error: error instanceof Error ? error.stack : String(error) });
      response.destroy();
    }
  });
  return router;
};
