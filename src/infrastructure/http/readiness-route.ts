import { Router } from 'express';
import type { Readiness } from '../health/readiness';

/** `/readyz`: 200 while this process can do its work, 503 otherwise, so a load balancer sends requests elsewhere. */
export const readinessRoute = (readiness: Readiness): Router => {
  const router = Router();
  router.get('/readyz', async (_request, response) => {
    const report = await readiness.report();
    response
      .status(report.ready ? 200 : 503)
      .setHeader('cache-control', 'no-store')
      .json(report);
  });
  return router;
};
