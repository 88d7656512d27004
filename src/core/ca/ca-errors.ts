/** Error and warning codes of the certification authority and certificate requests (docs/errors.md is generated from these). */
import { defineErrors, defineWarnings, errorFactory } from '../shared/errors.ts';

export const CA_ERRORS = defineErrors({});
export const CA_WARNINGS = defineWarnings({});
/** Raises one of this module's error codes. */
export const caError = errorFactory(CA_ERRORS);
