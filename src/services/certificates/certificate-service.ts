/** Certificates of the deployment: import, assign, roll, remove, export (being built: see issue 2). */
import type { ServiceDeps } from '../service-deps.ts';

export class CertificateService {
  protected readonly deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.deps = deps;
  }
}
