/** The HTTP adapter (package export `s2s/middleware`): the fastify app, S2S authentication and error mapping. */
export * from './http-app.ts';
export * from './http-error.ts';
export * from './s2s-auth.ts';
export * from './routes/metadata-routes.ts';
export * from './node-s2s-auth.ts';
