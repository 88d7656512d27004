/** Issuing and validating S2S tokens (being built: see issue 3). */
import type { ServiceDeps } from '../service-deps.ts';

export class TokenService {
  protected readonly deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.deps = deps;
  }
}
