/**
 * A worker's helpers are started by the page (issue 30: in Firefox a worker that starts workers of
 * its own now and then stops answering), and the page carries their messages both ways, moving
 * the buffers they list (in Firefox a MessageChannel between two workers copies them). It stops a
 * helper when asked or when the worker is ended, and reports a failure back.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HelperHost } from '../../src/worker/helper-host.ts';
import { launchHelper, withHelperReports } from '../../src/worker/helper-launch.ts';
import type { HelperFailed, HelperMessage, HelperRequest } from '../../src/worker/protocol.ts';

/** Stands in for the browser's Worker: records what it is sent, with its transfer list. */
class FakeWorker {
  static started: FakeWorker[] = [];
  received: { message: unknown; transfer: Transferable[] | undefined }[] = [];
  terminated = false;
  onerror: ((event: { message: string; preventDefault(): void }) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(
    readonly url: string,
    readonly options: WorkerOptions,
  ) {
    FakeWorker.started.push(this);
  }
  postMessage(message: unknown, transfer?: Transferable[]) {
    this.received.push({ message, transfer });
  }
  terminate() {
    this.terminated = true;
  }
}

const owner = () => {
  const sent: { message: HelperFailed | HelperMessage; transfer?: Transferable[] }[] = [];
  const worker = {
    postMessage: (message: HelperFailed | HelperMessage, transfer?: Transferable[]) => sent.push({ message, transfer }),
  } as unknown as Worker;
  return { sent, worker };
};

const start = (helper: number, kind: 'compression' | 'parity'): HelperRequest => ({
  type: 'helper-start',
  helper,
  kind,
});

describe('HelperHost (the page)', () => {
  beforeEach(() => {
    FakeWorker.started = [];
    vi.stubGlobal('Worker', FakeWorker);
    // A page the service worker controls: workers start from their URLs (start-worker.ts).
    vi.stubGlobal('navigator', { serviceWorker: { controller: {} } });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('starts the helper asked for', () => {
    const host = new HelperHost(owner().worker);
    expect(host.handle(start(1, 'compression'))).toBe(true);
    expect(FakeWorker.started).toHaveLength(1);
    const [helper] = FakeWorker.started;
    expect(helper.url).toMatch(/compression\.worker/);
    expect(helper.options).toMatchObject({ type: 'module', name: 'coffer-compression' });
    host.handle(start(2, 'parity'));
    expect(FakeWorker.started[1].url).toMatch(/parity\.worker/);
  });

  it("carries the worker's messages to its helper and the answers back, moving the buffers listed", () => {
    const { sent, worker } = owner();
    const host = new HelperHost(worker);
    host.handle(start(4, 'parity'));
    host.handle(start(5, 'parity'));
    const job = { id: 1, shards: new Uint8Array(8) };
    const moved = [job.shards.buffer];
    expect(host.handle({ type: 'helper-message', helper: 5, data: job, transfer: moved })).toBe(true);
    expect(FakeWorker.started[0].received).toEqual([]);
    expect(FakeWorker.started[1].received).toEqual([{ message: job, transfer: moved }]);
    const answer = { id: 1, shards: new Uint8Array(8) };
    FakeWorker.started[1].onmessage?.({ data: { data: answer, transfer: [answer.shards.buffer] } });
    expect(sent).toEqual([
      {
        message: { type: 'helper-message', helper: 5, data: answer, transfer: [answer.shards.buffer] },
        transfer: [answer.shards.buffer],
      },
    ]);
    // A message for a helper that is gone (stopped, or never started) goes nowhere.
    host.handle({ type: 'helper-stop', helper: 5 });
    host.handle({ type: 'helper-message', helper: 5, data: job, transfer: [] });
    expect(FakeWorker.started[1].received).toHaveLength(1);
  });

  it('stops one helper when asked, and every helper when the worker is ended', () => {
    const host = new HelperHost(owner().worker);
    for (const helper of [1, 2, 3]) host.handle(start(helper, 'compression'));
    host.handle({ type: 'helper-stop', helper: 2 });
    expect(FakeWorker.started.map((worker) => worker.terminated)).toEqual([false, true, false]);
    host.stopAll();
    expect(FakeWorker.started.every((worker) => worker.terminated)).toBe(true);
  });

  it('tells the worker when a helper fails, and leaves other messages alone', () => {
    const { sent, worker } = owner();
    const host = new HelperHost(worker);
    host.handle(start(7, 'parity'));
    FakeWorker.started[0].onerror?.({ message: 'SyntaxError: bad script', preventDefault() {} });
    expect(sent.map(({ message }) => message)).toEqual([
      { type: 'helper-failed', helper: 7, message: 'SyntaxError: bad script' },
    ]);
    expect(host.handle({ id: 1, type: 'progress' })).toBe(false);
    expect(FakeWorker.started).toHaveLength(1);
  });
});

describe('launchHelper (the worker)', () => {
  const asked: { request: HelperRequest; transfer: Transferable[] }[] = [];
  beforeEach(() => {
    asked.length = 0;
    vi.stubGlobal('self', {
      postMessage: (request: HelperRequest, transfer: Transferable[]) => asked.push({ request, transfer }),
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  const quiet = { reply: () => {}, failed: () => {} };

  it('asks the page for a helper, sends through the page with the buffers to move, and asks for it to stop', () => {
    const launched = launchHelper('compression', quiet);
    expect(asked).toHaveLength(1);
    const { request } = asked[0];
    expect(request).toMatchObject({ type: 'helper-start', kind: 'compression' });
    const segment = new Uint8Array(16);
    launched.post({ id: 9, segment }, [segment.buffer]);
    expect(asked[1]).toEqual({
      request: { type: 'helper-message', helper: request.helper, data: { id: 9, segment }, transfer: [segment.buffer] },
      transfer: [segment.buffer],
    });
    launched.stop();
    expect(asked[2].request).toEqual({ type: 'helper-stop', helper: request.helper });
    launched.post({ id: 10 });
    expect(asked).toHaveLength(3);
  });

  it("routes the page's messages about a helper to that helper's user, and commands to the handler", () => {
    const heard: string[] = [];
    const commands: unknown[] = [];
    const first = launchHelper<{ id: number }>('parity', {
      reply: (answer) => heard.push(`first answered ${answer.id}`),
      failed: (error) => heard.push(`first: ${error.message}`),
    });
    launchHelper('parity', { reply: () => heard.push('second answered'), failed: () => heard.push('second failed') });
    const onmessage = withHelperReports<{ id: number }>((event) => commands.push(event.data));
    const helper = asked[0].request.helper;
    const from = (data: HelperFailed | HelperMessage | { id: number }) =>
      onmessage(new MessageEvent('message', { data }));
    from({ type: 'helper-message', helper, data: { id: 2 }, transfer: [] });
    from({ type: 'helper-failed', helper, message: 'it stopped' });
    from({ id: 3 });
    expect(heard).toEqual(['first answered 2', 'first: it stopped']);
    expect(commands).toEqual([{ id: 3 }]);
    first.stop();
    from({ type: 'helper-failed', helper, message: 'again' });
    from({ type: 'helper-message', helper, data: { id: 4 }, transfer: [] });
    expect(heard).toHaveLength(2);
  });
});
