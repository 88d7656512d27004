/** What a CLI command gets: injected IO, a printer, and a lazily opened deployment. */
import type { Command } from 'commander';
import type { AuditActor, Clock, Warning } from '../../core/index.ts';
import type { NodeConfig, NodeConfigFlags } from '../../config/node-config.ts';
import type { DocumentStore } from '../../store/document-store.ts';
import type { Services } from '../../services/index.ts';
import type { CliIo } from './cli-io.ts';
import { Printer } from './printer.ts';

/** The deployment a command works on (satisfied by src/main/deployment.ts). */
export interface CliDeployment {
  readonly config: NodeConfig;
  readonly store: DocumentStore;
  readonly clock: Clock;
  readonly services: Services;
  /** Who the audit log records for this deployment's changes (absent in remote mode: the server records the token). */
  readonly actor?: AuditActor;
  /** Said while opening (e.g. WARN_READ_FROM_REPLICA: PostgreSQL is down, reads come from the local replica). */
  readonly warnings?: readonly Warning[];
  close(): Promise<void>;
}

/** Flags of `s2s server start`. */
export interface ServerStartFlags extends NodeConfigFlags {
  bootstrap?: boolean;
  /** A separate management listener for the administration API (docs/admin.md). */
  adminListen?: string | undefined;
  /** How many server processes (`--workers`, 1–64; default one per core; docs/server.md "Workers"). */
  workers?: string | undefined;
}

/** A started server (src/main/server-process.ts): where it is, and a promise settled once it stopped. */
export interface StartedServer {
  readonly url: string;
  /** metadataUrl, storageUrl, … and, after --bootstrap, testCommand. */
  readonly details: Readonly<Record<string, string>>;
  /** Human start-up banner. */
  readonly lines: readonly string[];
  readonly closed: Promise<void>;
}

/** What `s2s replication invoke` asks for. */
export interface ReplicationInvokeOptions {
  readonly rebuild: boolean;
  /** How long to wait for a running server's answer. */
  readonly waitMs: number;
}

/** What it did: through the running server of the home, or in the CLI process when none runs. */
export interface ReplicationInvokeResult {
  readonly node: string;
  readonly via: 'server' | 'cli';
  readonly pid?: number;
  readonly rebuilt: boolean;
  readonly appliedVersion: number;
}

/** Supplied by the composition root (src/main/cli.ts) or by a test. */
export interface CliEnvironment {
  readonly io: CliIo;
  /** Opens the deployment named by the global flags (--home, --store, --node). */
  openDeployment(flags: GlobalOptions): Promise<CliDeployment>;
  /** Resolves node config without opening anything (for `init`, which must create the data directory). */
  resolveConfig(flags: NodeConfigFlags): NodeConfig;
  /** Starts the HTTPS server (`s2s server start`); absent in environments that cannot serve. */
  startServer?(flags: ServerStartFlags): Promise<StartedServer>;
  /** Re-syncs or rebuilds this node's replica (`s2s replication invoke`); absent where there is none. */
  invokeReplication?(
    flags: NodeConfigFlags,
    options: ReplicationInvokeOptions,
  ): Promise<ReplicationInvokeResult>;
}

/** Options every command accepts (declared once on the root program). */
export interface GlobalOptions extends NodeConfigFlags {
  json?: boolean;
  /** Remote mode (docs/admin.md): the server, the API token file, the server's CA. */
  server?: string;
  tokenFile?: string;
  serverCa?: string;
}

/** Per-invocation state handed to an action. */
export interface ActionContext<O> {
  readonly opts: O & GlobalOptions;
  readonly args: readonly string[];
  readonly printer: Printer;
  readonly io: CliIo;
  readonly env: CliEnvironment;
  /** Opens (once) and returns the deployment; closed automatically after the action. */
  readonly deployment: () => Promise<CliDeployment>;
  readonly command: Command;
}

/** Wraps a command action: builds the printer and deployment, and always closes what it opened. */
export function defineAction<O>(env: CliEnvironment, fn: (ctx: ActionContext<O>) => Promise<void>) {
  return async (...raw: unknown[]): Promise<void> => {
    const command = raw[raw.length - 1] as Command;
    const opts = command.optsWithGlobals<O & GlobalOptions>();
    const printer = new Printer(env.io, opts.json === true);
    let opened: Promise<CliDeployment> | undefined;
    const ctx: ActionContext<O> = {
      opts,
      args: command.args,
      printer,
      io: env.io,
      env,
      command,
      deployment: () =>
        (opened ??= env.openDeployment(opts).then((d) => {
          printer.warnAll(d.warnings ?? []);
          return d;
        })),
    };
    try {
      await fn(ctx);
    } finally {
      if (opened) await (await opened.catch(() => undefined))?.close();
    }
  };
}

/** Adds an `Example:` section to a command's --help. */
export function example(command: Command, ...lines: string[]): Command {
  return command.addHelpText(
    'after',
    `\nExample${lines.length > 1 ? 's' : ''}:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`,
  );
}
