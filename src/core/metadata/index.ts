/** Authentication metadata: our document, OIDC discovery and JWKS, and readers for partners' documents. */
export * from './metadata-document.ts';
export * from './openid-configuration.ts';
export * from './published-certificates.ts';
export * from './safe-json.ts';
export * from './json-members.ts';
export * from './metadata-certificate.ts';
export * from './partner-metadata.ts';
export * from './openid-metadata.ts';
export * from './metadata-format.ts';
export * from './published-origin.ts';
export * from './oauth-server-metadata.ts';
