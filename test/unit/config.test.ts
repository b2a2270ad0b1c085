import { expect } from 'chai';
import { loadConfig } from '../../src/config';

describe('loadConfig: the per-address throttle', () => {
  it('when the address limit is not set, then a hundred failures in a row, then one every 30 seconds; both can be set', () => {
    expect(loadConfig({})).to.deep.include({ addressFailureBurst: 100, addressFailureRefillSeconds: 30 });
    expect(loadConfig({ ADDRESS_FAILURE_BURST: '400', ADDRESS_FAILURE_REFILL_SECONDS: '5' })).to.deep.include({
      addressFailureBurst: 400,
      addressFailureRefillSeconds: 5,
    });
    expect(() => loadConfig({ ADDRESS_FAILURE_BURST: '0' })).to.throw('ADDRESS_FAILURE_BURST must be a positive whole number');
  });
});
