/** Command-line parsing with node:util parseArgs in strict mode; every mistake is exit 2. */
import { parseArgs } from 'node:util';
import { usageError } from './exit-codes.ts';

type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };

const UNLOCK: Record<string, OptionSpec> = {
  'passphrase-file': { type: 'string' },
  'recovery-key-file': { type: 'string' },
};
const HELP: Record<string, OptionSpec> = { help: { type: 'boolean', short: 'h' } };
const QUIET: Record<string, OptionSpec> = { quiet: { type: 'boolean', short: 'q' } };
const OUTPUT: Record<string, OptionSpec> = { output: { type: 'string', short: 'o' } };

export const COMMANDS = {
  create: {
    ...UNLOCK,
    ...HELP,
    ...QUIET,
    ...OUTPUT,
    'new-recovery-key': { type: 'string' },
    kdf: { type: 'string' },
    'no-compress': { type: 'boolean' },
    compression: { type: 'string' },
    overwrite: { type: 'boolean' },
    parity: { type: 'string' },
  },
  list: { ...UNLOCK, ...HELP, ...QUIET, json: { type: 'boolean' } },
  verify: { ...UNLOCK, ...HELP, ...QUIET },
  repair: { ...UNLOCK, ...HELP, ...QUIET, ...OUTPUT },
  restore: {
    ...UNLOCK,
    ...HELP,
    ...QUIET,
    ...OUTPUT,
    only: { type: 'string', multiple: true },
    overwrite: { type: 'boolean' },
    salvage: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  inspect: { ...HELP, json: { type: 'boolean' } },
  rekey: {
    ...UNLOCK,
    ...HELP,
    ...QUIET,
    ...OUTPUT,
    'set-passphrase-file': { type: 'string' },
    'new-recovery-key': { type: 'string' },
    'add-recovery-key-file': { type: 'string' },
    remove: { type: 'string', multiple: true },
    kdf: { type: 'string' },
  },
  keygen: { ...HELP, ...QUIET, ...OUTPUT },
  push: { ...HELP, ...QUIET },
  pull: { ...HELP, ...QUIET, ...OUTPUT },
  whatsapp: { ...HELP, ...QUIET, ...OUTPUT, key: { type: 'string' }, 'key-file': { type: 'string' } },
} as const satisfies Record<string, Record<string, OptionSpec>>;

export type CommandName = keyof typeof COMMANDS;

export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseCommand(command: CommandName, argv: string[]): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: COMMANDS[command],
      strict: true,
      allowPositionals: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw usageError(`${command}: ${message}`, `Run "coffer ${command} --help" for its options.`);
  }
}

/** Typed accessors that also reject empty values such as `-o ""`. */
export function stringOption(parsed: Parsed, name: string, command: string): string | undefined {
  const value = parsed.values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw usageError(`${command}: --${name} needs a value.`);
  }
  return value;
}

export function stringList(parsed: Parsed, name: string): string[] {
  const value = parsed.values[name];
  return Array.isArray(value) ? value : [];
}

export function flag(parsed: Parsed, name: string): boolean {
  return parsed.values[name] === true;
}

export function requireOutput(parsed: Parsed, command: string, what: string): string {
  const value = stringOption(parsed, 'output', command);
  if (value === undefined) {
    throw usageError(`${command}: -o ${what} is required.`, `Run "coffer ${command} --help" for its options.`);
  }
  return value;
}

/** Exactly one positional: the backup file to read. */
export function singleInput(parsed: Parsed, command: string): string {
  if (parsed.positionals.length === 0) {
    throw usageError(`${command}: which backup? Give the .coffer file to read.`, `Usage: coffer ${command} IN.coffer`);
  }
  if (parsed.positionals.length > 1) {
    throw usageError(
      `${command}: expected one backup file, got ${parsed.positionals.length}: ${parsed.positionals.map((p) => JSON.stringify(p)).join(' ')}.`,
    );
  }
  const input = parsed.positionals[0];
  if (input === '') throw usageError(`${command}: the backup file name is empty.`);
  return input;
}
