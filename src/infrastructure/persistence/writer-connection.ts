import type { Connection } from 'mysql2/promise';

/**
 * One of the pipelined writer's connections, opened at its first chunk and kept: a chunk's statements then leave in the
 * same turn of the event loop as the commit is asked for (a pool hands connections out a turn later, after the worker
 * has read and planned the next 1,000 records). One chunk at a time on it: another chunk's START TRANSACTION would
 * commit this one unchecked. Dropped when it fails, so that the next chunk reconnects.
 */
export class WriterConnection {
  private open: Promise<Connection> | undefined;
  private turn: Promise<unknown> = Promise.resolve();
  /** Chunks waiting for or using this connection. */
  waiting = 0;

  take<T>(work: () => Promise<T>): Promise<T> {
    this.waiting += 1;
    const taken = this.turn.then(work).finally(() => {
      this.waiting -= 1;
    });
    this.turn = taken.catch(() => undefined);
    return taken;
  }

  connection(openConnection: () => Promise<Connection>): Promise<Connection> {
    if (!this.open) {
      const opening = openConnection().then((connection) => {
        const forget = (): void => {
          if (this.open === opening) this.open = undefined;
        };
        connection.on('error', forget);
        connection.on('end', forget);
        return connection;
      });
      opening.catch(() => {
        if (this.open === opening) this.open = undefined;
      });
      this.open = opening;
    }
    return this.open;
  }

  discard(connection: Connection): void {
    this.open = undefined;
    connection.destroy();
  }

  async close(): Promise<void> {
    const open = this.open;
    this.open = undefined;
    await open?.then(
      (connection) => connection.end(),
      () => undefined,
    );
  }
}
