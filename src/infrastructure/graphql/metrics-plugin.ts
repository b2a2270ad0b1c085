import type { ApolloServerPlugin } from '@apollo/server';
import { Kind } from 'graphql';
import { performance } from 'node:perf_hooks';
import type { ServiceMetrics } from '../metrics/service-metrics';

/**
 * Times each GraphQL request by its first root field and counts its errors by code. The field is read once the
 * operation validated, so it is one of the schema's: a client's operation name never becomes a label.
 */
export const metricsPlugin = (metrics: ServiceMetrics): ApolloServerPlugin => ({
  async requestDidStart() {
    const started = performance.now();
    let operation = 'unknown';
    return {
      async didResolveOperation({ operation: definition }) {
        const first = definition?.selectionSet.selections[0];
        if (first?.kind === Kind.FIELD) operation = first.name.value;
      },
      async didEncounterErrors({ errors }) {
        for (const error of errors) metrics.graphqlError(error.extensions?.code);
      },
      async willSendResponse() {
        metrics.operationAnswered(operation, (performance.now() - started) / 1000);
      },
    };
  },
});
