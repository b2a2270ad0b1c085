import { ApolloLink } from '@apollo/client';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-sse';
import { Observable } from 'rxjs';

/** What a subscriber may pass in its operation's context to learn when its stream is (re)opened or lost. */
export interface StreamEvents {
  onConnecting?: () => void;
  onConnected?: () => void;
}

/**
 * Subscriptions over server-sent events (graphql-sse, one stream per subscription) at /graphql/stream, same origin,
 * authenticated by the session cookie. graphql-sse retries a lost stream on its own before it gives up.
 */
export class StreamLink extends ApolloLink {
  private readonly client: Client<false>;

  constructor(url = '/graphql/stream') {
    super();
    this.client = createClient({ url, credentials: 'same-origin' });
  }

  override request(operation: ApolloLink.Operation): Observable<ApolloLink.Result> {
    const events = operation.getContext() as StreamEvents;
    return new Observable((observer) =>
      this.client.subscribe(
        { query: print(operation.query), variables: operation.variables, operationName: operation.operationName },
        {
          next: (result) => observer.next(result as ApolloLink.Result),
          complete: () => observer.complete(),
          error: (error) => observer.error(error),
        },
        { connecting: () => events.onConnecting?.(), connected: () => events.onConnected?.() },
      ),
    );
  }
}
