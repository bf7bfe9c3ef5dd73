/** How a failure of storage the person owns ends the command. */
import type { RemoteFailure } from '../../remote/errors.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';

const BY_KIND: Record<RemoteFailure, ExitCode> = {
  network: EXIT.other,
  usage: EXIT.usage,
  exists: EXIT.refused,
  changed: EXIT.damaged,
  refused: EXIT.other,
};

export function exitCodeForRemote(kind: RemoteFailure): ExitCode {
  return BY_KIND[kind];
}
