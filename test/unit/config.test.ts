import { expect } from 'chai';
import { loadConfig } from '../../src/config';

describe('loadConfig: TRUST_PROXY and the per-address throttle', () => {
  const trustProxy = (value: string | undefined) => loadConfig({ TRUST_PROXY: value }).trustProxy;

  it('when TRUST_PROXY is unset, empty or false, then no proxy is trusted; true is one proxy, not every hop as in Express; a number is that many', () => {
    expect([undefined, '', 'false', '0'].map(trustProxy)).to.deep.equal(Array(4).fill({ hops: 0 }));
    expect(trustProxy('true')).to.deep.equal({ hops: 1 });
    expect(trustProxy('3')).to.deep.equal({ hops: 3 });
  });

  it('when TRUST_PROXY lists addresses, networks and names, then each becomes a network, single addresses with their full prefix', () => {
    expect(trustProxy('loopback, 10.0.0.0/8,192.0.2.1, 2001:db8::/32 , fd00::1')).to.deep.equal({
      networks: ['127.0.0.0/8', '::1/128', '10.0.0.0/8', '192.0.2.1/32', '2001:db8::/32', 'fd00::1/128'],
    });
    expect(trustProxy('uniquelocal,linklocal')).to.deep.equal({
      networks: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', '169.254.0.0/16', 'fe80::/10'],
    });
  });

  it('when TRUST_PROXY holds something else, then loading refuses to start, naming the entry', () => {
    for (const wrong of ['yes', '10.0.0.0/33', '::1/129', '10.0.0.1/8/8', 'proxy.example.org', '-1', '10.0.0.0/']) {
      expect(() => trustProxy(wrong), wrong).to.throw(`TRUST_PROXY must be true, false, a number of proxies, or a comma list`);
    }
  });

  it('when the address limit is not set, then a hundred failures in a row, then one every 30 seconds; both can be set', () => {
    expect(loadConfig({})).to.deep.include({ addressFailureBurst: 100, addressFailureRefillSeconds: 30 });
    expect(loadConfig({ ADDRESS_FAILURE_BURST: '400', ADDRESS_FAILURE_REFILL_SECONDS: '5' })).to.deep.include({
      addressFailureBurst: 400,
      addressFailureRefillSeconds: 5,
    });
    expect(() => loadConfig({ ADDRESS_FAILURE_BURST: '0' })).to.throw('ADDRESS_FAILURE_BURST must be a positive whole number');
  });
});
