/**
 * `s2s completion bash|zsh`: the script, sourced into a real bash, registers `complete -F _s2s s2s` and
 * completes commands, verbs and options from the command tree (docs/decisions.md "Shell completion").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runS2s } from '../fixtures/s2s-process.ts';

/** Completes `words` (the last one being typed) in a bash that sourced `script`. */
function complete(script: string, words: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 's2s-completion-'));
  try {
    writeFileSync(join(dir, 'completion.sh'), script);
    const list = words.map((w) => `'${w}'`).join(' ');
    const out = execFileSync(
      'bash',
      [
        '-c',
        `source ${join(dir, 'completion.sh')}; COMP_WORDS=(s2s ${list}); COMP_CWORD=${words.length}; _s2s; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8' },
    );
    return out.split('\n').filter((l) => l !== '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('s2s completion bash: sourced, it registers _s2s and completes commands, verbs and options', async () => {
  const r = await runS2s(['completion', 'bash'], {});
  assert.equal(r.code, 0, r.stderr);
  const dir = mkdtempSync(join(tmpdir(), 's2s-completion-'));
  try {
    writeFileSync(join(dir, 'c.sh'), r.stdout);
    const registered = execFileSync('bash', ['-c', `source ${join(dir, 'c.sh')}; complete -p s2s`], {
      encoding: 'utf8',
    });
    assert.equal(registered.trim(), 'complete -o default -F _s2s s2s');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(complete(r.stdout, ['cert']), ['certificate']);
  assert.deepEqual(complete(r.stdout, ['certificate', 'im']), ['import']);
  assert.deepEqual(complete(r.stdout, ['--json', 'certificate', 'import', '--pa']), [
    '--path',
    '--password-file',
    '--password-env',
  ]);
  assert.deepEqual(complete(r.stdout, ['replication', '']).includes('status'), true);
  assert.deepEqual(complete(r.stdout, ['completion', '']).includes('--help'), true);
  // Every top-level command of `s2s --help` is offered.
  const help = await runS2s(['--help'], {});
  const commands = [...help.stdout.matchAll(/^ {2}([a-z-]+)(?: |$)/gm)].map((m) => m[1]!);
  const offered = complete(r.stdout, ['']);
  for (const c of commands.filter((c) => c !== 'help')) assert.ok(offered.includes(c), `offers ${c}`);
});

test('s2s completion zsh loads the same table through bashcompinit', async (t) => {
  const [bash, zsh] = await Promise.all([
    runS2s(['completion', 'bash'], {}),
    runS2s(['completion', 'zsh'], {}),
  ]);
  assert.equal(zsh.code, 0, zsh.stderr);
  assert.match(zsh.stdout, /autoload -U \+X bashcompinit && bashcompinit/);
  const table = (s: string) => s.slice(s.indexOf('_s2s_words()'));
  assert.equal(table(zsh.stdout), table(bash.stdout));
  if (spawnSync('zsh', ['--version']).error) {
    if (process.env.CI === 'true') assert.fail('zsh is missing; .ci/run installs it');
    t.skip('zsh is not installed here: the zsh script was compared with the bash one, not run');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 's2s-completion-'));
  try {
    writeFileSync(join(dir, 'c.zsh'), zsh.stdout);
    // bashcompinit calls _s2s with ksharrays and lets compadd filter by the typed prefix.
    const run = (words: string[]) =>
      execFileSync(
        'zsh',
        [
          '-c',
          `source ${join(dir, 'c.zsh')}; complete -p s2s; setopt ksharrays; COMP_WORDS=(s2s ${words.join(' ')}); COMP_CWORD=${words.length}; _s2s; print -l -- "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      ).split('\n');
    const verbs = run(['certificate', 'im']);
    assert.ok(verbs.includes('complete -o default -F _s2s s2s'), verbs.join('\n'));
    assert.ok(verbs.includes('import') && !verbs.includes('certificate'), verbs.join('\n'));
    assert.ok(run(['certificate', 'import', '--pa']).includes('--password-file'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown shell is a usage error naming the choices', async () => {
  const r = await runS2s(['completion', 'fish'], {});
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /^error ERR_USAGE: .*Allowed choices are bash, zsh\. — fix: run `s2s completion --help`/,
  );
});
