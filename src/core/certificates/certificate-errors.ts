/** Error and warning codes of certificates (import, assignment, export) (docs/errors.md is generated from these). */
import { defineErrors, defineWarnings, errorFactory } from '../shared/errors.ts';

export const CERTIFICATE_ERRORS = defineErrors({});
export const CERTIFICATE_WARNINGS = defineWarnings({});
/** Raises one of this module's error codes. */
export const certificateError = errorFactory(CERTIFICATE_ERRORS);
