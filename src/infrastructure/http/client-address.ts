import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { TrustedProxies } from '../../processes/config';

/**
 * Who is asking, for throttling. Walks from the connection's peer back through X-Forwarded-For, right to left (each proxy
 * appends the address it heard from), while the hop is a trusted proxy; entries left of that were written by the client.
 * IPv6 clients are counted per /64, the block one subscriber is usually given.
 */
export const clientAddressResolver = (trusted: TrustedProxies): ((request: IncomingMessage) => string) => {
  const isTrusted = trustedHop(trusted);
  return (request) => {
    const header = request.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((entry) => unmapped(entry.trim()));
    let client = unmapped(request.socket.remoteAddress ?? '');
    for (let hop = 0; isIP(client) !== 0 && isTrusted(client, hop); hop += 1) {
      const next = forwarded.pop();
      // A trusted proxy that names no valid address is itself the client as far as anyone can tell.
      if (next === undefined || isIP(next) === 0) break;
      client = next;
    }
    return countedAs(client) || 'unknown';
  };
};

/** Whether the connection's peer is a trusted proxy, whose headers (X-Request-Id) may be believed. */
export const fromTrustedProxy = (trusted: TrustedProxies): ((request: IncomingMessage) => boolean) => {
  const isTrusted = trustedHop(trusted);
  return (request) => {
    const peer = unmapped(request.socket.remoteAddress ?? '');
    return isIP(peer) !== 0 && isTrusted(peer, 0);
  };
};

const trustedHop = (trusted: TrustedProxies): ((address: string, hop: number) => boolean) =>
  'hops' in trusted ? (_address, hop) => hop < trusted.hops : inNetworks(trusted.networks);

const inNetworks = (networks: string[]): ((address: string) => boolean) => {
  const list = new BlockList();
  for (const network of networks) {
    const [address, prefix] = network.split('/');
    list.addSubnet(address, Number(prefix), isIP(address) === 4 ? 'ipv4' : 'ipv6');
  }
  return (address) => list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
};

/** `::ffff:192.0.2.1`, as a dual-stack socket reports an IPv4 peer, is `192.0.2.1`. */
const unmapped = (address: string): string => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

const countedAs = (address: string): string => {
  if (isIP(address) !== 6) return address;
  const [head, tail] = address.replace(/%.*$/, '').toLowerCase().split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  // An embedded IPv4 tail (64:ff9b::192.0.2.1) fills two groups; only the first four matter here.
  const tailGroups = groups(tail).length + (tail?.includes('.') ? 1 : 0);
  const full = tail === undefined ? groups(head) : [...groups(head), ...Array<string>(8 - groups(head).length - tailGroups).fill('0'), ...groups(tail)];
  return `${full
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
};
