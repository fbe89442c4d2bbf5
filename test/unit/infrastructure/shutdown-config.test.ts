import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/infrastructure/config/load-config';

describe('Infrastructure :: config :: SHUTDOWN_DRAIN_MS', () => {
  it('defaults to no drain delay', () => {
    expect(loadConfig({}).timeouts.drainMs).to.equal(0);
  });

  it('reads a delay shorter than the shutdown limit', () => {
    expect(loadConfig({ SHUTDOWN_DRAIN_MS: '5000', SHUTDOWN_TIMEOUT_MS: '20000' }).timeouts.drainMs).to.equal(5000);
  });

  it('refuses a delay that does not fit in the shutdown limit, and one that is not a number', () => {
    expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: '10000' })).to.throw(ConfigError, 'SHUTDOWN_DRAIN_MS: must be less than SHUTDOWN_TIMEOUT_MS');
    expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: 'soon' })).to.throw(ConfigError, 'SHUTDOWN_DRAIN_MS: must be a whole number');
  });
});
