/** Error and warning codes of the storage service, users and the connectivity test (docs/errors.md is generated from these). */
import { defineErrors, defineWarnings, errorFactory } from '../shared/errors.ts';

export const STORAGE_ERRORS = defineErrors({});
export const STORAGE_WARNINGS = defineWarnings({});
/** Raises one of this module's error codes. */
export const storageError = errorFactory(STORAGE_ERRORS);
