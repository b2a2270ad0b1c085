import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** Chooses the connection to hold: `packet` is what it just sent, `sentBefore` what it sent since the hold was asked for. */
export type HoldWhen = (packet: string, sentBefore: string) => boolean;

/** The connection whose answers are held: the packet that chose it, and its thread id in MariaDB (for KILL). */
export interface HeldConnection {
  packet: string;
  threadId: number;
}

interface Hold {
  when: HoldWhen;
  held: (connection: HeldConnection) => void;
}

/** The server's greeting: a 4-byte packet header, the protocol version, the server version ending in NUL, then the thread id. */
const threadIdOf = (greeting: Buffer): number => greeting.readUInt32LE(greeting.indexOf(0, 5) + 1);

/**
 * A TCP proxy between the service and MariaDB. It forwards everything, except that it can hold back every answer on
 * the one connection that sends a chosen statement: the database runs that statement (a COMMIT, say) to its end while
 * the service hears nothing, until the connection is killed and the service finds it lost. That is the moment a
 * connection dies after its COMMIT landed, made certain instead of left to luck.
 */
export class AnswerHoldingProxy {
  private hold: Hold | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly tallies = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<AnswerHoldingProxy> {
    // No client knows the port before `proxy` exists.
    const server = createServer((client) => proxy.relay(client, connect(target.port, target.host)));
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const proxy = new AnswerHoldingProxy(server, (server.address() as AddressInfo).port);
    return proxy;
  }

  /** Resolves once a connection's answers are held, from the packet that matched (which itself went on to the database). */
  holdAnswersAfter(when: HoldWhen): Promise<HeldConnection> {
    return new Promise((held) => {
      this.hold = { when, held };
    });
  }

  /** Counts, from now on, how many times the service sends `part` (in any statement, on any connection). */
  tally(part: string): () => number {
    this.tallies.set(part, 0);
    return () => this.tallies.get(part)!;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((closed) => this.server.close(closed));
  }

  private relay(client: Socket, database: Socket): void {
    let holding = false;
    let threadId: number | undefined;
    let watching: Hold | null = null;
    let sentBefore = '';
    for (const socket of [client, database]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      // The other side's close tells the service (or the database) all it needs to know.
      socket.on('error', () => undefined);
    }
    client.on('data', (data: Buffer) => {
      const packet = data.toString('latin1');
      for (const [part, count] of this.tallies) this.tallies.set(part, count + occurrences(packet, part));
      const hold = this.hold;
      if (hold && !holding) {
        if (watching !== hold) [watching, sentBefore] = [hold, ''];
        if (hold.when(packet, sentBefore)) {
          holding = true;
          this.hold = null;
          hold.held({ packet, threadId: threadId! });
        } else {
          // Enough to see the statements just before, not a whole file's chunks.
          sentBefore = (sentBefore + packet).slice(-16_384);
        }
      }
      database.write(data);
    });
    database.on('data', (data: Buffer) => {
      threadId ??= threadIdOf(data);
      if (!holding) client.write(data);
    });
    client.on('close', () => database.destroy());
    database.on('close', () => client.destroy());
  }
}

/** How many times `text` holds `part`. */
export const occurrences = (text: string, part: string): number => text.split(part).length - 1;
