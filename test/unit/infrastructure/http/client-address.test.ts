import { expect } from 'chai';
import type { IncomingMessage } from 'node:http';
import { loadConfig } from '../../../../src/processes/config';
import { clientAddressResolver } from '../../../../src/infrastructure/http/client-address';

/** A request as Node hands it over: the peer's address on the socket, and the header as sent. */
const request = (peer: string | undefined, forwardedFor?: string | string[]): IncomingMessage =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

const resolve = (trustProxy: string, peer: string | undefined, forwardedFor?: string | string[]): string =>
  clientAddressResolver(loadConfig({ TRUST_PROXY: trustProxy }).trustProxy)(request(peer, forwardedFor));

describe('clientAddressResolver', () => {
  it('when no proxy is trusted, then X-Forwarded-For is ignored and the peer is the client', () => {
    expect(resolve('', '203.0.113.7', '198.51.100.1')).to.equal('203.0.113.7');
    expect(resolve('false', '203.0.113.7', '198.51.100.1')).to.equal('203.0.113.7');
    expect(resolve('0', '203.0.113.7', '198.51.100.1')).to.equal('203.0.113.7');
  });

  it('when one proxy is trusted (true or 1), then the entry it appended, the last one, is the client and what the client wrote before it is not', () => {
    for (const setting of ['true', '1']) {
      expect(resolve(setting, '10.0.0.2', '198.51.100.1, 203.0.113.7'), setting).to.equal('203.0.113.7');
      expect(resolve(setting, '10.0.0.2', ['198.51.100.1', '198.51.100.2, 203.0.113.7']), setting).to.equal('203.0.113.7');
    }
  });

  it('when two proxies are trusted, then the entry left of the nearer proxy’s is the client, and with fewer entries the leftmost one', () => {
    expect(resolve('2', '10.0.0.2', '198.51.100.1, 203.0.113.7, 10.0.0.3')).to.equal('203.0.113.7');
    expect(resolve('2', '10.0.0.2', '203.0.113.7')).to.equal('203.0.113.7');
    expect(resolve('2', '10.0.0.2')).to.equal('10.0.0.2');
  });

  it('when proxies are trusted by network, then the nearest address outside those networks is the client, whatever the client wrote left of it', () => {
    const trusted = 'loopback, 10.0.0.0/8, 2001:db8:ffff::1';
    expect(resolve(trusted, '127.0.0.1', '198.51.100.1, 203.0.113.7, 10.9.8.7')).to.equal('203.0.113.7');
    expect(resolve(trusted, '::ffff:127.0.0.1', '203.0.113.7')).to.equal('203.0.113.7');
    expect(resolve(trusted, '2001:db8:ffff::1', '203.0.113.7')).to.equal('203.0.113.7');
    expect(resolve(trusted, '203.0.113.50', '198.51.100.1'), 'a peer outside the networks is no proxy').to.equal('203.0.113.50');
    expect(resolve(trusted, '10.0.0.2', '10.0.0.3, 10.0.0.4'), 'every hop trusted: the farthest').to.equal('10.0.0.3');
  });

  it('when a trusted proxy forwards something that is not an address, then that proxy counts as the client', () => {
    expect(resolve('1', '10.0.0.2', 'unknown')).to.equal('10.0.0.2');
    expect(resolve('2', '10.0.0.2', '203.0.113.7, 10.0.0.3:8080')).to.equal('10.0.0.2');
  });

  it('when a client is on IPv6, then it is counted by its /64, and an IPv4 peer on a dual-stack socket by its IPv4 address', () => {
    expect(resolve('', '2001:db8:1:2:aaaa:bbbb:cccc:dddd')).to.equal('2001:db8:1:2::/64');
    expect(resolve('', '2001:DB8:0001:0002::1')).to.equal('2001:db8:1:2::/64');
    expect(resolve('', '2001:db8::1')).to.equal('2001:db8:0:0::/64');
    expect(resolve('', 'fe80::1%eth0')).to.equal('fe80:0:0:0::/64');
    expect(resolve('1', '10.0.0.2', '64:ff9b::192.0.2.1')).to.equal('64:ff9b:0:0::/64');
    expect(resolve('', '::ffff:192.0.2.1')).to.equal('192.0.2.1');
  });

  it('when the socket has no address (it closed already), then the client is "unknown"', () => {
    expect(resolve('', undefined)).to.equal('unknown');
  });
});
