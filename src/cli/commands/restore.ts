/** `coffer restore IN.coffer -o DIR [unlock options] [--only PATH]... [--overwrite] [--salvage] [--json]` */
import { realpath, stat, utimes } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { displayName } from '../../core/display-name.ts';
import { checkPathSet, isCofferError, type SalvageReport } from '../../core/index.ts';
import { flag, parseCommand, requireOutput, singleInput, stringList } from '../args.ts';
import { CliError, EXIT, refused, usageError } from '../exit-codes.ts';
import { lstatOrUndefined } from '../files.ts';
import { fsError } from '../fs-errors.ts';
import { COMMAND_HELP } from '../help.ts';
import { checkPlatformPaths } from '../restore-names.ts';
import { checkFreeSpace, removeStaleStaging } from '../restore-preflight.ts';
import {
  checkTarget,
  commitMerge,
  commitNew,
  isCaseInsensitive,
  planRestore,
  Staging,
  type StagingSink,
  stagingSink,
} from '../restore-target.ts';
import { jsonReport, printLost } from '../salvage-report.ts';
import { interruptSignal, onForcedExit } from '../signals.ts';
import { createUi, humanSize, percent, plural, rate } from '../ui.ts';
import { withOpenedBackup } from './common.ts';

export async function runRestore(argv: string[]): Promise<number> {
  const parsed = parseCommand('restore', argv);
  if (flag(parsed, 'help')) {
    process.stdout.write(`${COMMAND_HELP.restore}\n`);
    return EXIT.ok;
  }
  const input = singleInput(parsed, 'restore');
  const output = requireOutput(parsed, 'restore', 'DIR');
  const selectors = stringList(parsed, 'only');
  const overwrite = flag(parsed, 'overwrite');
  const salvage = flag(parsed, 'salvage');
  const json = flag(parsed, 'json');
  if (salvage && selectors.length > 0) {
    throw usageError('restore: --salvage restores everything it can; it cannot be combined with --only.');
  }
  const ui = createUi(flag(parsed, 'quiet') || json);

  // Where the restore goes: DIR itself if it exists (through a link, if it is one), else a new folder.
  let dir = resolve(output);
  const linkStat = await lstatOrUndefined(dir);
  let dirExists = false;
  if (linkStat) {
    const target = await stat(dir).catch(() => undefined);
    if (!target?.isDirectory()) {
      throw refused(`${JSON.stringify(output)} exists and is not a folder; nothing was restored.`);
    }
    dir = await realpath(dir);
    dirExists = true;
  }
  const parent = dirname(dir);
  const parentStat = await stat(parent).catch((error) => {
    throw fsError(error, 'restore into', parent, 'The folder that holds DIR must exist.');
  });
  if (!parentStat.isDirectory()) throw new CliError(EXIT.other, `${JSON.stringify(parent)} is not a folder.`);

  let opened = false;
  return withOpenedBackup(input, parsed, 'restore', ui, async (backup) => {
    opened = true;
    const plan = planRestore(backup.entries, selectors);
    checkPlatformPaths(dir, itemPaths(plan.items));
    const state = await checkTarget(dir, dirExists, plan.items, overwrite);

    // A restore killed earlier left decrypted plaintext in its staging folder: remove it first.
    for (const dead of [...(await removeStaleStaging(parent)), ...(dirExists ? await removeStaleStaging(dir) : [])])
      ui.warn(`removed ${JSON.stringify(dead)}, left behind by an earlier restore that was stopped`);
    await checkFreeSpace(dirExists ? dir : parent, plan.bytes, plan.items.length);

    const dirStat = dirExists ? await stat(dir) : undefined;
    const staging = await Staging.create(parent, dirExists ? dir : undefined);
    const forget = onForcedExit(() => staging.removeSync());
    let committed = false;
    let sink: StagingSink | undefined;
    let report: SalvageReport | undefined;
    const started = Date.now();
    try {
      let caseInsensitive = await isCaseInsensitive(staging.root).catch(() => false);
      if (!caseInsensitive && dirStat && (await stat(staging.root)).dev !== dirStat.dev) {
        // DIR is another file system (a mount point): ask it too, then put its times back.
        caseInsensitive = await isCaseInsensitive(dir).catch(() => false);
        await utimes(dir, dirStat.atime, dirStat.mtime).catch(() => {});
      }
      if (caseInsensitive) checkPathSet(plan.items, true);
      sink = stagingSink(staging, dir, state.replaced);
      const onProgress = (progress: { bytesDone: number; bytesTotal: number; currentPath: string }) =>
        ui.progress(
          `Restoring ${percent(progress.bytesDone, progress.bytesTotal)} ${humanSize(progress.bytesDone)} of ${humanSize(progress.bytesTotal)}  ${displayName(progress.currentPath)}`,
        );
      if (salvage) report = await backup.salvage(sink, { signal: interruptSignal, onProgress });
      else await backup.restore(sink, { only: plan.only, signal: interruptSignal, onProgress });
      await sink.flush();
      ui.clearProgress();
      // A lost file was removed from the staging folder; it must not be moved into place either.
      const lostPaths = new Set(report?.lost.map((lost) => lost.path));
      const items = lostPaths.size > 0 ? plan.items.filter((item) => !lostPaths.has(item.path)) : plan.items;
      // Everything restored is now decrypted and verified; only now does the target change.
      const problems = dirExists ? await commitMerge(staging, dir, items, state) : await commitNew(staging, dir, items);
      committed = true;
      for (const problem of problems) ui.warn(`could not set the time or mode of ${problem}`);
    } finally {
      ui.clearProgress();
      await sink?.discard();
      await staging.remove().catch(() => ui.warn(`could not remove the staging folder ${staging.root}`));
      forget();
      // Creating and removing the staging folder changed the times of the folder that held it;
      // put back what the restore did not legitimately change.
      if (dirExists || !committed) await utimes(parent, parentStat.atime, parentStat.mtime).catch(() => {});
      if (dirStat && !committed) await utimes(dir, dirStat.atime, dirStat.mtime).catch(() => {});
    }
    const folders = plan.items.length - plan.files;
    const lost = report?.lost.length ?? 0;
    const files = plan.files - lost;
    const bytes = report ? report.restoredBytes : plan.bytes;
    if (report) printLost(createUi(false), report);
    if (json) process.stdout.write(jsonReport({ files, folders, bytes }, report));
    if (lost > 0) {
      // Always said, even with --quiet: a salvaged restore must never pass for a complete one.
      process.stderr.write(
        `coffer: INCOMPLETE: restored ${files} of ${plural(plan.files, 'file')} to ${output}; ${plural(lost, 'file was', 'files were')} lost (listed above).\n`,
      );
      return EXIT.damaged;
    }
    ui.note(
      `Restored ${plural(files, 'file')} and ${plural(folders, 'folder')} (${humanSize(bytes)}${rate(bytes, started)}) to ${output}${state.replaced.size > 0 ? `, replacing ${plural(state.replaced.size, 'existing file')}` : ''}.`,
    );
    return EXIT.ok;
  }).catch((error: unknown) => {
    if (salvage && !opened && isCofferError(error) && error.code === 'payload_damaged') {
      throw new CliError(
        EXIT.damaged,
        'this backup is damaged where it lists its contents (its index), so salvage cannot tell which files it holds; nothing was restored.',
        `A backup made with --parity keeps a second copy of its index and can be repaired.\ndetails: ${error.message}`,
      );
    }
    throw error;
  });
}

function* itemPaths(items: readonly { path: string }[]): Generator<string> {
  for (const item of items) yield item.path;
}
