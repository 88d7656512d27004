/** Error and warning codes of partner applications and metadata documents (docs/errors.md is generated from these). */
import { defineErrors, defineWarnings, errorFactory } from '../shared/errors.ts';

export const PARTNER_ERRORS = defineErrors({});
export const PARTNER_WARNINGS = defineWarnings({});
/** Raises one of this module's error codes. */
export const partnerError = errorFactory(PARTNER_ERRORS);
