/** The built-in certification authority and certificate requests (being built: see issue 5). */
import type { ServiceDeps } from '../service-deps.ts';

export class CaService {
  protected readonly deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.deps = deps;
  }
}
