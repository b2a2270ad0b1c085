import { Router, type Request, type Response } from 'express';
import type { IdentifyActor } from '../../application/identify-actor';
import type { ReadUploadLog } from '../../application/read-upload-log';
import { TEMPLATE_FILE_NAME, templateContent } from '../../domain/upload-batch/educator-template';
import type { PublicIds } from '../auth/public-ids';
import { failuresCsv } from '../csv/failures-csv';
import type { Log } from '../logging';
import { SIGN_IN_FIRST } from '../graphql/context';
import { credentialsOf } from './session-cookie';

const attachment = (response: Response, fileName: string): void => {
  response.setHeader('Content-Type', 'text/csv; charset=utf-8');
  response.setHeader('Content-Disposition', `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  response.setHeader('Cache-Control', 'no-store');
};

/** Plain HTTP downloads for browsers, with the same credentials (session cookie or bearer token) and scope rules as GraphQL. */
export const downloadRoutes = (identifyActor: IdentifyActor, uploadLog: ReadUploadLog, publicIds: PublicIds, log: Log): Router => {
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

  router.get('/upload-batches/:id/failures.csv', async (request, response) => {
    const found = await viewer(request, response);
    if (!found) return;
    const batch = (await uploadLog.findBatch(found.actor, publicIds.decode('batch', String(request.params.id))))?.batch;
    if (!batch) {
      response.status(404).json({ error: 'No such upload.' });
      return;
    }
    attachment(response, `${batch.fileName.replace(/\.csv$/i, '')}-failures.csv`);
    try {
      for await (const text of failuresCsv(uploadLog.streamFailures(batch))) response.write(text);
      response.end();
    } catch (error) {
      log('Failure download broke off', { level: 'warn', batchId: batch.id, error: error instanceof Error ? error.stack : String(error) });
      response.destroy();
    }
  });
  return router;
};
