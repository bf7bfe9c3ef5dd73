/** Native tools on the same files (age, tar, gzip, zstd, argon2): the references coffer is held to. */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { KDF_PRESETS } from '../src/core/kdf.ts';
import { repeat, timedCommand } from './lib.ts';
import { have, type NodeBench, size } from './node-context.ts';
import { zstdNativeRows } from './zstd.ts';

export async function native(bench: NodeBench, want: (group: string) => boolean): Promise<void> {
  const { data, out, repeats, log, record, skipped } = bench;
  log('Node: native tools on the same files');
  if (have('age') && have('age-keygen')) {
    const identity = join(out, 'age.key');
    rmSync(identity, { force: true });
    execFileSync('age-keygen', ['-o', identity], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', identity], { encoding: 'utf8' }).trim();
    const sealed = join(out, 'random.age');
    const bytes = size(data.random);
    record(
      'native.age.encrypt',
      await repeat(repeats, async () => {
        rmSync(sealed, { force: true });
        const run = await timedCommand('age', ['-e', '-r', recipient, '-o', sealed, data.random]);
        return { seconds: run.seconds, bytes };
      }),
    );
    const opened = join(out, 'random.age.out');
    record(
      'native.age.decrypt',
      await repeat(repeats, async () => {
        rmSync(opened, { force: true });
        const run = await timedCommand('age', ['-d', '-i', identity, '-o', opened, sealed]);
        return { seconds: run.seconds, bytes };
      }),
    );
    // Same durability as `coffer create`, which fsyncs its output before renaming it into place.
    record(
      'native.age.encryptSync',
      await repeat(repeats, async () => {
        rmSync(sealed, { force: true });
        const run = await timedCommand('sh', [
          '-c',
          'age -e -r "$1" -o "$2" "$3" && sync "$2"',
          'sh',
          recipient,
          sealed,
          data.random,
        ]);
        return { seconds: run.seconds, bytes };
      }),
    );
    rmSync(opened, { force: true });
    rmSync(sealed, { force: true });
    if (have('gzip')) {
      const textBytes = size(data.text);
      const gz = join(out, 'text.gz.age');
      record(
        'native.gzipAge.create',
        await repeat(repeats, async () => {
          rmSync(gz, { force: true });
          const run = await timedCommand('sh', [
            '-c',
            'gzip -1 -c "$1" | age -e -r "$2" -o "$3"',
            'sh',
            data.text,
            recipient,
            gz,
          ]);
          return { seconds: run.seconds, bytes: textBytes, extra: { ratio: size(gz) / textBytes } };
        }),
      );
      const back = join(out, 'text.out');
      record(
        'native.gzipAge.restore',
        await repeat(repeats, async () => {
          rmSync(back, { force: true });
          const run = await timedCommand('sh', [
            '-c',
            'age -d -i "$1" "$2" | gzip -d -c > "$3"',
            'sh',
            identity,
            gz,
            back,
          ]);
          if (size(back) !== textBytes) throw new Error('gunzip | age restored the wrong size');
          return { seconds: run.seconds, bytes: textBytes };
        }),
      );
      rmSync(back, { force: true });
      rmSync(gz, { force: true });
    } else skipped.push('gzip -1 | age (gzip is not installed)');
    if (have('zstd')) await zstdNativeRows(data.text, out, { recipient, identity }, repeats, record);
    else skipped.push('zstd -1 | age (zstd is not installed)');
  } else skipped.push('native age (the age package is not installed)');
  if (have('gzip')) {
    const textBytes = size(data.text);
    const gz = join(out, 'text.gz');
    record(
      'native.gzip1',
      await repeat(repeats, async () => {
        rmSync(gz, { force: true });
        const run = await timedCommand('sh', ['-c', 'gzip -1 -c "$1" > "$2"', 'sh', data.text, gz]);
        return { seconds: run.seconds, bytes: textBytes, extra: { ratio: size(gz) / textBytes } };
      }),
    );
    rmSync(gz, { force: true });
  } else skipped.push('native gzip (not installed)');
  if (have('argon2')) {
    for (const preset of want('argon2.strong') ? (['default', 'strong'] as const) : (['default'] as const)) {
      const { memoryKiB, iterations, parallelism } = KDF_PRESETS[preset];
      record(
        `native.argon2.${preset}`,
        await repeat(
          repeats,
          async () =>
            timedCommand(
              'argon2',
              [
                'saltsaltsaltsalt',
                '-id',
                '-t',
                String(iterations),
                '-k',
                String(memoryKiB),
                '-p',
                String(parallelism),
                '-r',
              ],
              { stdin: 'correct horse battery staple' },
            ),
          'ms',
        ),
      );
    }
  } else skipped.push('native argon2 (the argon2 package is not installed)');
}
