/**
 * The `coffer` command: dispatches to a command, maps failures to exit codes and prints one
 * clear line for each (a stack trace only for internal errors, and only with COFFER_DEBUG=1).
 */
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { isCofferError } from '../core/errors.ts';
import { RemoteError } from '../remote/errors.ts';
import { type CommandName, isCommand } from './args.ts';
import { EMBEDDED } from './embedded.ts';
import { CliError, EXIT, exitCodeFor } from './exit-codes.ts';
import { fsError, isNodeFsError } from './fs-errors.ts';
import { MAIN_HELP, USAGE } from './help.ts';
import { describeFailure } from './messages.ts';
import { exitCodeForRemote } from './remote/exit.ts';
import { installInterruptHandler } from './signals.ts';

type Runner = (argv: string[]) => Promise<number>;

/** Loaded on demand, so help, version and usage errors start fast. */
const RUNNERS: Record<CommandName, () => Promise<Runner>> = {
  create: async () => (await import('./commands/create.ts')).runCreate,
  list: async () => (await import('./commands/list.ts')).runList,
  verify: async () => (await import('./commands/verify.ts')).runVerify,
  repair: async () => (await import('./commands/repair.ts')).runRepair,
  restore: async () => (await import('./commands/restore.ts')).runRestore,
  inspect: async () => (await import('./commands/inspect.ts')).runInspect,
  rekey: async () => (await import('./commands/rekey.ts')).runRekey,
  keygen: async () => (await import('./commands/keygen.ts')).runKeygen,
  whatsapp: async () => (await import('../whatsapp/cli/whatsapp.ts')).runWhatsapp,
  push: async () => (await import('./commands/push.ts')).runPush,
  pull: async () => (await import('./commands/pull.ts')).runPull,
};

function version(): string {
  if (EMBEDDED) return EMBEDDED.version;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function printError(message: string, hint?: string): void {
  process.stderr.write(`coffer: ${message}\n`);
  if (hint) process.stderr.write(`${hint}\n`);
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: unknown }).code === 'ABORT_ERR');
}

/** Runs the command line and returns the exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      process.stderr.write(`${USAGE}\n`);
      return EXIT.usage;
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      const topic = rest[0];
      if (command === 'help' && topic !== undefined && isCommand(topic))
        return await (await RUNNERS[topic]())(['--help']);
      process.stdout.write(`${MAIN_HELP}\n`);
      return EXIT.ok;
    }
    if (command === '--version' || command === '-V') {
      process.stdout.write(`coffer ${version()}\n`);
      return EXIT.ok;
    }
    if (!isCommand(command)) {
      printError(`unknown command ${JSON.stringify(command)}.`, USAGE);
      return EXIT.usage;
    }
    // Commands that write or read everything stop cleanly on Ctrl-C; the others just exit.
    if (
      command === 'create' ||
      command === 'restore' ||
      command === 'verify' ||
      command === 'repair' ||
      command === 'whatsapp' ||
      command === 'rekey' ||
      command === 'push' ||
      command === 'pull'
    )
      installInterruptHandler();
    return await (await RUNNERS[command]())(rest);
  } catch (error) {
    return report(error, command);
  }
}

function report(error: unknown, command?: string): number {
  if (error instanceof CliError) {
    printError(error.message, error.hint);
    return error.exitCode;
  }
  if (error instanceof RemoteError) {
    printError(error.message, error.hint);
    return exitCodeForRemote(error.kind);
  }
  if (isCofferError(error)) {
    if (error.code === 'cancelled') {
      printError('cancelled; nothing was left half-written.');
      return EXIT.interrupted;
    }
    // WhatsApp files have their own wording (src/whatsapp); the headlines are for Coffer backups.
    const { message, hint } = command === 'whatsapp' ? { message: error.message } : describeFailure(error);
    const salvageHint =
      command === 'restore' && error.code === 'payload_damaged'
        ? '\nTo restore every file that is intact (and list the ones that are not), run again with --salvage.'
        : '';
    printError(message, hint === undefined ? undefined : `${hint}${salvageHint}`);
    return exitCodeFor(error.code);
  }
  if (isAbortError(error)) {
    printError('cancelled; nothing was left half-written.');
    return EXIT.interrupted;
  }
  if (isNodeFsError(error)) {
    const path = (error as { path?: unknown }).path;
    const failure = fsError(error, 'use', typeof path === 'string' ? path : '(unknown file)');
    printError(failure.message, failure.hint);
    return EXIT.other;
  }
  const message = error instanceof Error ? error.message : String(error);
  printError(`internal error: ${message}`);
  if (process.env.COFFER_DEBUG === '1' && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  return EXIT.other;
}

/** Runs with process.argv and sets the exit code (the process then ends by itself). */
export function runCli(): Promise<void> {
  // `coffer list ... | head`: a closed pipe is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  return main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`coffer: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT.other;
    },
  );
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isEntryPoint()) void runCli();
