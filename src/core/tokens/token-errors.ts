/** Error and warning codes of token issuance and validation (docs/errors.md is generated from these). */
import { defineErrors, defineWarnings, errorFactory } from '../shared/errors.ts';

export const TOKEN_ERRORS = defineErrors({});
export const TOKEN_WARNINGS = defineWarnings({});
/** Raises one of this module's error codes. */
export const tokenError = errorFactory(TOKEN_ERRORS);
