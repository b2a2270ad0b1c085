import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { ServiceMetrics } from '../metrics/service-metrics';
import { bearerToken } from './bearer-token';

/** 'off': answered as an unknown path; 'open': to anyone who reaches it (the separate METRICS_PORT without a token). */
export type MetricsAccess = 'off' | 'open' | { token: string };

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** `GET /metrics` in Prometheus's text format, for a scraper that bears METRICS_TOKEN. */
export const metricsRoute = (metrics: ServiceMetrics, access: MetricsAccess): Router => {
  const router = Router();
  router.get('/metrics', async (request, response, next) => {
    if (access === 'off') return next();
    // Compared as digests of equal length, in constant time: the answer's timing must not spell out the token.
    const offered = bearerToken(request);
    if (access !== 'open' && (offered === undefined || !timingSafeEqual(digest(offered), digest(access.token)))) {
      return void response.status(401).setHeader('www-authenticate', 'Bearer').end();
    }
    const { contentType, body } = await metrics.scrape();
    response.status(200).setHeader('content-type', contentType).setHeader('cache-control', 'no-store').end(body);
  });
  return router;
};
