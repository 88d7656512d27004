/** Error codes of configuration backup and restore (docs/backup.md; docs/errors.md is generated from these). */
import { defineErrors, defineWarnings, errorFactory } from '../shared/errors.ts';

export const BACKUP_ERRORS = defineErrors({
  ERR_BACKUP_INVALID: {
    category: 'refused',
    meaning:
      'The file is not an s2s configuration backup, or its sealed contents failed authentication (damaged or edited).',
    fix: 'Restore from an intact copy of the file `s2s backup create` wrote; nothing was changed.',
  },
  ERR_BACKUP_KEY_MISMATCH: {
    category: 'refused',
    meaning:
      'The backup was sealed under another master key than the one this deployment has; nothing was changed.',
    fix: "Make the backed-up deployment's master key available (S2S_MASTER_KEY, or its master.key in S2S_HOME), then run the restore again.",
  },
  ERR_BACKUP_WOULD_REPLACE: {
    category: 'conflict',
    meaning: 'The store already holds a configuration, which a restore would replace; nothing was changed.',
    fix: 'Run `s2s backup create` first if the current configuration is wanted, then repeat the restore with --force.',
  },
  ERR_BACKUP_OUTPUT_EXISTS: {
    category: 'conflict',
    meaning: 'The --output file already exists; a backup never overwrites a file.',
    fix: 'Choose another --output path, or move the existing file away first.',
  },
});

export const BACKUP_WARNINGS = defineWarnings({});

export const backupError = errorFactory(BACKUP_ERRORS);
