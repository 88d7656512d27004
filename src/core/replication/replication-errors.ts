/** Error and warning codes of pools and replication (docs/errors.md is generated from these). */
import { defineErrors, defineWarnings, errorFactory } from '../shared/errors.ts';

export const REPLICATION_ERRORS = defineErrors({});
export const REPLICATION_WARNINGS = defineWarnings({});
/** Raises one of this module's error codes. */
export const replicationError = errorFactory(REPLICATION_ERRORS);
