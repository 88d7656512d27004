/** Application services: the use cases shared by the CLI, the HTTP server and the library API. */
export * from './service-deps.ts';
export * from './services.ts';
export * from './service-ports.ts';
export * from './oauth/oauth-service.ts';
export * from './certificates/certificate-service.ts';
export * from './partners/partner-service.ts';
export * from './metadata/metadata-service.ts';
export * from './tokens/token-service.ts';
export * from './storage/storage-service.ts';
export * from './ca/ca-service.ts';
export * from './oauth-servers/oauth-server-service.ts';
export * from './admin/admin-service.ts';
export * from './admin/audit-log.ts';
export * from './admin/admin-gateway.ts';
export * from './admin/change-capture.ts';
export type * from './admin/admin-documents.ts';
export * from './renewal/renewal-service.ts';
