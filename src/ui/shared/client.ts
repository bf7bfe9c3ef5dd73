import { CofferClient } from '../../worker/client.ts';

/** One worker for the whole page: it owns every key and every byte of file I/O. */
export const coffer = new CofferClient();
