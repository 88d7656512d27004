/** The s2s library: domain types and errors, services, and the deployment wiring for embedding. */
export * from './core/index.ts';
export * from './services/index.ts';
export { openDeployment, buildDeployment } from './main/deployment.ts';
export type { Deployment, DeploymentOptions } from './main/deployment.ts';
export { resolveNodeConfig } from './config/node-config.ts';
export type { NodeConfig, NodeConfigFlags } from './config/node-config.ts';
// Metadata builders and the partner-document reader (protocol.md §1), for services that publish or read
// metadata themselves (the rest of src/core/metadata is internal).
export { buildMetadataDocument, issuerOf } from './core/metadata/metadata-document.ts';
export { buildOpenIdConfiguration, buildJwks } from './core/metadata/openid-configuration.ts';
export { parseAuthMetadataDocument } from './core/metadata/partner-metadata.ts';
