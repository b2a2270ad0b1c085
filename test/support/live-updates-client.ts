import { createClient } from 'graphql-sse';

export interface Subscriber<T> {
  /** Every result received so far, in order. */
  results: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] }[];
  /** Resolves once the server ended the stream (or refused it). */
  ended: Promise<void>;
  stop(): void;
}

/** A graphql-sse client in distinct-connections mode, as a browser's page or another app subscribes. */
export const subscribeAt = <T = any>(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>): Subscriber<T> => {
  const client = createClient({ url: `${url}/graphql/stream`, headers, retryAttempts: 0 });
  const results: Subscriber<T>['results'] = [];
  let stop = () => undefined as void;
  const ended = new Promise<void>((resolve) => {
    stop = client.subscribe<T>(
      { query, variables },
      {
        next: (result) => void results.push(result as Subscriber<T>['results'][number]),
        error: (error) => {
          results.push({ errors: [{ message: String((error as Error)?.message ?? error) }] });
          resolve();
        },
        complete: () => resolve(),
      },
    );
  });
  return { results, ended, stop: () => (stop(), client.dispose()) };
};
