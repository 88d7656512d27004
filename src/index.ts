/** The s2s library: domain types and errors, services, and the deployment wiring for embedding. */
export * from './core/index.ts';
export * from './services/index.ts';
export { openDeployment, buildDeployment } from './main/deployment.ts';
export type { Deployment, DeploymentOptions } from './main/deployment.ts';
export { resolveNodeConfig } from './config/node-config.ts';
export type { NodeConfig, NodeConfigFlags } from './config/node-config.ts';
