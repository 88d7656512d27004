/**
 * `s2s backup create|restore` [Export-CsConfiguration / Import-CsConfiguration]: the configuration and its
 * keys in one file sealed under the master key; a restore is one atomic batch (docs/backup.md).
 */
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { SecretBox } from '../../../../core/shared/secret-box.ts';
import { backupError } from '../../../../core/backup/backup-errors.ts';
import { S2sError } from '../../../../core/shared/errors.ts';
import { loadMasterKey } from '../../../../config/master-key.ts';
import {
  createBackup,
  parseBackup,
  restoreBackup,
} from '../../../../services/backup/configuration-backup.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliDeployment, CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';

function secretBox(d: CliDeployment): SecretBox {
  return new SecretBox(loadMasterKey(d.config.masterKey, d.config.masterKeyFile));
}

/** Writes `text` to a new file (mode 0600): a temp file made durable, then linked in place (never overwrites). */
function writeNewFile(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
  } catch (err) {
    if ((err as { code?: string }).code === 'EEXIST')
      throw backupError('ERR_BACKUP_OUTPUT_EXISTS', `${path} already exists`, { path });
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

export function registerBackupCommands(program: Command, env: CliEnvironment): void {
  const backup = program
    .command('backup')
    .description('back up and restore the configuration and its keys (sealed under the master key)');
  example(
    backup
      .command('create')
      .description(
        'write the configuration (OAuth, certificates and their sealed keys, partners, users, CA, trusted roots) to a new file sealed under the master key',
      )
      .requiredOption('--output <file>', 'the backup file to create (never overwritten; mode 0600)')
      .action(
        defineAction<{ output: string }>(env, async ({ opts, printer, deployment }) => {
          const d = await deployment();
          const file = await createBackup(d.store, secretBox(d), d.clock);
          writeNewFile(opts.output, `${JSON.stringify(file, null, 2)}\n`);
          await auditBackup(d, 'backup.create', 'backup create', { output: opts.output }, 'success');
          const { sealed: _sealed, ...header } = file;
          printer.result({ ...header, path: opts.output }, () =>
            formatList({
              Path: opts.output,
              Documents: header.documentCount,
              StoreVersion: header.storeVersion,
              MasterKeyId: header.masterKeyId,
              CreatedAt: header.createdAt,
            }),
          );
        }),
      ),
    's2s backup create --output /backup/s2s-$(date +%F).json',
  );
  example(
    backup
      .command('restore')
      .description(
        'replace the configuration with a backup, atomically; needs the master key that sealed it, and --force over an existing configuration',
      )
      .requiredOption('--input <file>', 'a file written by `s2s backup create`')
      .option('--force', 'replace an existing configuration')
      .action(
        defineAction<{ input: string; force?: boolean }>(env, async ({ opts, printer, deployment }) => {
          let text: string;
          try {
            text = readFileSync(opts.input, 'utf8');
          } catch {
            throw backupError('ERR_BACKUP_INVALID', `cannot read ${opts.input}`, { path: opts.input });
          }
          const file = parseBackup(text);
          const d = await deployment();
          const args = { input: opts.input, force: opts.force === true, backupCreatedAt: file.createdAt };
          const result = await restoreBackup(d.store, secretBox(d), file, {
            force: opts.force === true,
            actor: 'cli:backup-restore',
          }).catch(async (err: unknown) => {
            await auditBackup(d, 'backup.restore', 'backup restore', args, 'failed', err);
            throw err;
          });
          await auditBackup(d, 'backup.restore', 'backup restore', { ...args, ...result }, 'success');
          printer.result({ ...result, path: opts.input }, () =>
            formatList({
              Restored: `${result.restored} documents from the backup of ${result.backupCreatedAt}`,
              Removed: result.removed,
              StoreVersion: result.version,
            }),
          );
        }),
      ),
    's2s backup restore --input /backup/s2s-2026-12-01.json',
    's2s backup restore --input /backup/s2s-2026-12-01.json --force   # over an existing configuration',
  );
}

/**
 * Backups work on the store below the services, so they are audited here (docs/admin.md "Audit log"): what
 * was written or restored and how many documents, not every document's before and after.
 */
async function auditBackup(
  d: CliDeployment,
  operation: string,
  command: string,
  args: Record<string, unknown>,
  outcome: 'success' | 'failed',
  err?: unknown,
): Promise<void> {
  if (!d.actor) return;
  await d.services.audit
    .append({
      actor: d.actor,
      operation,
      command,
      args,
      outcome,
      ...(err instanceof S2sError ? { error: { code: err.code, message: err.message } } : {}),
    })
    .catch(() => undefined);
}
