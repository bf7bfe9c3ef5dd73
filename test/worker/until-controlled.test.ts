/**
 * A place used on a first visit waits for the installing service worker to take the page instead
 * of saying to reload; where none is on its way, it says so at once.
 */
import { describe, expect, it } from 'vitest';
import { type ServiceWorkerContainerLike, untilControlled } from '../../src/worker/until-controlled.ts';

type Registration = Partial<Record<'installing' | 'waiting' | 'active', object>>;

class FakeContainer extends EventTarget {
  controller: ServiceWorker | null = null;
  constructor(private readonly registration: Registration | undefined) {
    super();
  }
  getRegistration() {
    return Promise.resolve(this.registration as ServiceWorkerRegistration | undefined);
  }
  /** What clientsClaim does once the new worker is active. */
  claim() {
    this.controller = {} as ServiceWorker;
    this.dispatchEvent(new Event('controllerchange'));
  }
}

const as = (fake: FakeContainer) => fake as unknown as ServiceWorkerContainerLike;

describe('untilControlled', () => {
  it('is true at once where a service worker controls the page', async () => {
    const fake = new FakeContainer(undefined);
    fake.controller = {} as ServiceWorker;
    expect(await untilControlled(as(fake), 10)).toBe(true);
  });

  it('waits for a first install to take the page', async () => {
    const fake = new FakeContainer({ installing: {} });
    const waiting = untilControlled(as(fake), 5_000);
    setTimeout(() => fake.claim(), 50);
    const started = Date.now();
    expect(await waiting).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('gives up after its wait if the install never takes the page', async () => {
    expect(await untilControlled(as(new FakeContainer({ installing: {} })), 30)).toBe(false);
  });

  it('is false at once with no service worker, none registered, or one active that skipped this page', async () => {
    expect(await untilControlled(undefined, 5_000)).toBe(false);
    expect(await untilControlled(as(new FakeContainer(undefined)), 5_000)).toBe(false);
    // A hard reload: the active worker does not take the page until the next load.
    expect(await untilControlled(as(new FakeContainer({ active: {} })), 5_000)).toBe(false);
    expect(await untilControlled(as(new FakeContainer({ active: {}, waiting: {} })), 5_000)).toBe(false);
  });
});
