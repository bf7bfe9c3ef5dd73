/**
 * A worker's helpers are started by the page (issue 30: in Firefox a worker that starts workers of
 * its own now and then stops answering). The page starts each one it is asked for, hands it the
 * worker's channel, stops it when asked or when the worker is ended, and reports a failure back.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HelperHost } from '../../src/worker/helper-host.ts';
import { launchHelper, withHelperReports } from '../../src/worker/helper-launch.ts';
import type { HelperFailed, HelperRequest } from '../../src/worker/protocol.ts';

/** Stands in for the browser's Worker: records what it is sent and whether it was ended. */
class FakeWorker {
  static started: FakeWorker[] = [];
  received: unknown[] = [];
  terminated = false;
  onerror: ((event: { message: string; preventDefault(): void }) => void) | null = null;
  constructor(
    readonly url: string,
    readonly options: WorkerOptions,
  ) {
    FakeWorker.started.push(this);
  }
  postMessage(message: unknown) {
    this.received.push(message);
  }
  terminate() {
    this.terminated = true;
  }
}

const owner = () => {
  const sent: HelperFailed[] = [];
  return { sent, worker: { postMessage: (message: HelperFailed) => sent.push(message) } as unknown as Worker };
};

const start = (helper: number, kind: 'compression' | 'parity'): HelperRequest => ({
  type: 'helper-start',
  helper,
  kind,
  port: new MessageChannel().port2,
});

describe('HelperHost (the page)', () => {
  beforeEach(() => {
    FakeWorker.started = [];
    vi.stubGlobal('Worker', FakeWorker);
    // A page the service worker controls: workers start from their URLs (start-worker.ts).
    vi.stubGlobal('navigator', { serviceWorker: { controller: {} } });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('starts the helper asked for and hands it the channel', () => {
    const host = new HelperHost(owner().worker);
    const request = start(1, 'compression');
    expect(host.handle(request)).toBe(true);
    expect(FakeWorker.started).toHaveLength(1);
    const [helper] = FakeWorker.started;
    expect(helper.url).toMatch(/compression\.worker/);
    expect(helper.options).toMatchObject({ type: 'module', name: 'coffer-compression' });
    expect(helper.received).toEqual([{ port: (request as { port: MessagePort }).port }]);
    host.handle(start(2, 'parity'));
    expect(FakeWorker.started[1].url).toMatch(/parity\.worker/);
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
    expect(sent).toEqual([{ type: 'helper-failed', helper: 7, message: 'SyntaxError: bad script' }]);
    expect(host.handle({ id: 1, type: 'progress' })).toBe(false);
    expect(FakeWorker.started).toHaveLength(1);
  });
});

describe('launchHelper (the worker)', () => {
  const asked: HelperRequest[] = [];
  beforeEach(() => {
    asked.length = 0;
    vi.stubGlobal('self', { postMessage: (message: HelperRequest) => asked.push(message) });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('asks the page for a helper, talks over its own end, and asks for it to stop', () => {
    const launched = launchHelper('compression', () => {});
    expect(asked).toHaveLength(1);
    const [request] = asked;
    expect(request).toMatchObject({ type: 'helper-start', kind: 'compression' });
    expect((request as { port: MessagePort }).port).not.toBe(launched.port);
    launched.stop();
    expect(asked[1]).toEqual({ type: 'helper-stop', helper: request.helper });
  });

  it("routes the page's word on a failed helper to that helper's user, and commands to the handler", () => {
    const failures: string[] = [];
    const commands: unknown[] = [];
    const first = launchHelper('parity', (error) => failures.push(`first: ${error.message}`));
    launchHelper('parity', (error) => failures.push(`second: ${error.message}`));
    const onmessage = withHelperReports<{ id: number }>((event) => commands.push(event.data));
    const helper = asked[0].helper;
    onmessage(new MessageEvent('message', { data: { type: 'helper-failed', helper, message: 'it stopped' } }));
    onmessage(new MessageEvent('message', { data: { id: 3 } }));
    expect(failures).toEqual(['first: it stopped']);
    expect(commands).toEqual([{ id: 3 }]);
    first.stop();
    onmessage(new MessageEvent('message', { data: { type: 'helper-failed', helper, message: 'again' } }));
    expect(failures).toHaveLength(1);
  });
});
