/** The HTTP adapter (package export `s2s/middleware`): the fastify app, S2S authentication and error mapping. */
// A deliberate surface (docs/library.md, "Accept tokens"): the framework-neutral middleware, the fastify
// app and its authentication hook, and the error mapping. Route internals stay private.
export { s2sNodeMiddleware, nodeRequestUrl } from './node-s2s-auth.ts';
export type { S2sAuthenticatedRequest, NodeS2sAuthOptions } from './node-s2s-auth.ts';
export { createHttpApp } from './http-app.ts';
export type { HttpAppOptions, HttpAppServices } from './http-app.ts';
export { s2sAuthHandler, installS2sAuth, requestUrlOf } from './s2s-auth.ts';
export type { BearerValidator, AuthResultListener, S2sAuthHandler } from './s2s-auth.ts';
export { httpErrorOf, HTTP_STATUS_BY_CATEGORY } from './http-error.ts';
export type { HttpErrorBody } from './http-error.ts';
export type { PublishedDocuments } from './routes/metadata-routes.ts';
