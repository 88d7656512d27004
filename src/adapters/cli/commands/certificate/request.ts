/** `s2s certificate request` (Request-CsCertificate) — being built in issue 5. */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';

/** Registers `certificate request` under the `certificate` noun. */
export function registerCertificateRequestCommand(_certificate: Command, _env: CliEnvironment): void {}
