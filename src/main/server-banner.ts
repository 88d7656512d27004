/** What `s2s server start` prints once it serves (docs/server.md): the JSON details and the banner lines. */
import { STORAGE_API_PREFIX } from '../core/storage/storage-api.ts';
import type { BootstrapReport } from './bootstrap.ts';

/** The addresses of a started server, and after --bootstrap the command that tests it. */
export function describeServer(
  server: { readonly url: string; readonly adminUrl: string },
  report: BootstrapReport | null,
): Record<string, string> {
  const details: Record<string, string> = {
    url: server.url,
    metadataUrl: `${server.url}/metadata/json/1`,
    storageUrl: `${server.url}${STORAGE_API_PREFIX}`,
    openApiUrl: `${server.url}${STORAGE_API_PREFIX}/openapi.json`,
    healthUrl: `${server.url}/readyz`,
    metricsUrl: `${server.url}/metrics`,
    adminApiUrl: `${server.adminUrl}/admin/api/v1`,
    consoleUrl: `${server.adminUrl}/console/`,
  };
  if (report)
    details.testCommand = `npx s2s test storage-connectivity --sip-uri sip:${report.demoSip} --partner self --delete-item`;
  return details;
}

/** The human banner of those details. */
export function bannerLines(details: Record<string, string>, report: BootstrapReport | null): string[] {
  const lines = [...(report?.actions ?? []).map((a) => `bootstrap: ${a}`)];
  lines.push(
    `s2s server listening on ${details.url}`,
    `  metadata URL : ${details.metadataUrl}`,
    `  storage API  : ${details.storageUrl} (OpenAPI: ${details.openApiUrl})`,
  );
  lines.push(`  health       : ${details.healthUrl}   metrics: ${details.metricsUrl}`);
  lines.push(`  admin API    : ${details.adminApiUrl} (OpenAPI: ${details.adminApiUrl}/openapi.json)`);
  lines.push(`  web console  : ${details.consoleUrl}`);
  if (details.workers) lines.push(`  workers      : ${details.workers} processes (node:cluster)`);
  if (details.testCommand)
    lines.push(
      'Test storage connectivity against this server (in another terminal, same directory):',
      `  ${details.testCommand}`,
    );
  return lines;
}
