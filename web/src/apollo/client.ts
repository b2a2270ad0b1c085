import { ApolloClient, ApolloLink, CombinedGraphQLErrors, InMemoryCache, type FieldPolicy, type Reference } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import UploadHttpLink from 'apollo-upload-client/UploadHttpLink.mjs';
import { OperationTypeNode } from 'graphql';
import { StreamLink } from './stream-link';
import { uploadFetch } from './upload-fetch';

interface BatchPage {
  nodes: Reference[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/**
 * The log's first page is asked for again and again (polling, or after an upload); "Load more" asks for the pages after.
 * A first page puts its batches on top, newest first, and keeps the older ones already loaded below; a later page adds
 * its batches at the end. Batches are never removed, so nothing shown goes missing between two answers.
 */
const uploadLogPages: FieldPolicy<BatchPage> = {
  keyArgs: ['schoolSiteId'],
  merge(existing, incoming, { args, readField }) {
    if (!existing) return incoming;
    const idOf = (node: Reference) => readField<string>('id', node);
    if (args?.after) {
      const known = new Set(existing.nodes.map(idOf));
      return { ...incoming, nodes: [...existing.nodes, ...incoming.nodes.filter((node) => !known.has(idOf(node)))] };
    }
    const fresh = new Set(incoming.nodes.map(idOf));
    const older = existing.nodes.filter((node) => !fresh.has(idOf(node)));
    // When older batches stay below, the list still ends where it ended: so does the cursor for "Load more".
    return { ...incoming, nodes: [...incoming.nodes, ...older], pageInfo: older.length > 0 ? existing.pageInfo : incoming.pageInfo };
  },
};

export const VIEWER_OPERATION = 'Viewer';

export const isUnauthenticated = (error: unknown): boolean =>
  CombinedGraphQLErrors.is(error) && error.errors.some((one) => one.extensions?.code === 'UNAUTHENTICATED');

/**
 * `onSessionEnded` runs when the service answers UNAUTHENTICATED to anything but the question of who is signed in (the
 * page asks that one again then): the session expired or was ended elsewhere.
 */
export const createApolloClient = (onSessionEnded: () => void): ApolloClient =>
  new ApolloClient({
    link: ApolloLink.from([
      new ErrorLink(({ error, operation }) => {
        if (operation.operationName !== VIEWER_OPERATION && isUnauthenticated(error)) onSessionEnded();
      }),
      ApolloLink.split(
        (operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION,
        new StreamLink(),
        new UploadHttpLink({
          uri: '/graphql',
          credentials: 'same-origin',
          // Apollo Server's CSRF prevention refuses multipart posts without it; JSON posts carry content-type: application/json.
          headers: { 'Apollo-Require-Preflight': 'true' },
          fetch: uploadFetch,
        }),
      ),
    ]),
    cache: new InMemoryCache({
      typePolicies: {
        Query: { fields: { uploadBatches: uploadLogPages } },
        // Failures have no id of their own: each page of a batch's failures is kept with the batch.
        UploadFailure: { keyFields: false },
      },
    }),
  });
