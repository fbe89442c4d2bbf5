import 'reflect-metadata';
import { stopAllServices } from './services';

/** Services are started once, on first use, and stopped after the whole run. */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await stopAllServices();
  },
};
