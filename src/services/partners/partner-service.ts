/** Partner applications and their metadata refresh (being built: see issue 3). */
import type { ServiceDeps } from '../service-deps.ts';

export class PartnerService {
  protected readonly deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.deps = deps;
  }
}
