/** Users and mailboxes of the storage service (being built: see issue 4). */
import type { ServiceDeps } from '../service-deps.ts';

export class StorageService {
  protected readonly deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.deps = deps;
  }
}
