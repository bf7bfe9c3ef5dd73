/**
 * The writer's parity encoded on a helper worker (ErasureCoder.encodeAway), as the CLI does on a
 * thread: on one thread the encoding added to the backup's time while a core stood idle. The page
 * starts the helper (helper-launch.ts). Where none can be asked for, the coder encodes here.
 */
import { encodingAway, type ParityAnswer } from '../core/parity-away.ts';
import type { ErasureCoder } from '../core/recovery.ts';
import { canLaunchHelpers, type LaunchedHelper, launchHelper } from './helper-launch.ts';

/** `coder` with encodeAway on a helper started on first use; `close` stops it. */
export function parityOnHelper(coder: ErasureCoder): { coder: ErasureCoder; close(): void } {
  if (!canLaunchHelpers()) return { coder, close: () => {} };
  let helper: LaunchedHelper | undefined;
  const away = encodingAway(coder, (events) => {
    const launched = launchHelper<ParityAnswer>('parity', { reply: events.answer, failed: events.failed });
    helper = launched;
    return { post: (job, transfer) => launched.post(job, transfer) };
  });
  return { coder: away, close: () => helper?.stop() };
}
