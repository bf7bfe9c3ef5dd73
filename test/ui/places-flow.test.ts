/** The Places flow (issue 32) without a browser: test, save, forget and send against fakes. */
import { describe, expect, it, vi } from 'vitest';
import { RemoteError } from '../../src/remote/errors.ts';
import {
  EMPTY_FORM,
  INITIAL_PLACES,
  type PlacesSteps,
  placesFlow,
  type SendState,
  sendCopy,
} from '../../src/ui/places/places-flow.ts';
import type { StoredBackup, StoredPlace } from '../../src/ui/vault/db.ts';
import { DevicePassphraseNeeded, WrongDevicePassphrase } from '../../src/ui/vault/refusals.ts';
import { recorder } from './flow-harness.ts';

const place = { id: 'p1', settings: { location: 'webdav+https://nas.example.org/b/' } } as StoredPlace;
const backup = { id: 'b1', name: 'photos.coffer', size: 10 } as StoredBackup;
const form = { ...EMPTY_FORM, location: 'webdav+https://nas.example.org/b/', user: 'me', secret: 'pw' };

class PlaceRefusal extends Error {
  failure = { kind: 'refused' as const, message: 'The server refused the credentials (401).' };
}

function fakeSteps(overrides: Partial<PlacesSteps> = {}): PlacesSteps {
  return {
    listPlaces: vi.fn(async () => [place]),
    beginTrial: vi.fn(async () => 'trial-1'),
    endTrial: vi.fn(async () => {}),
    run: vi.fn(async () => {}),
    savePlace: vi.fn(async () => place),
    forgetPlace: vi.fn(async () => {}),
    placeCredentials: vi.fn(async () => ({ user: 'me', secret: 'pw' })),
    list: vi.fn(async () => [{ name: 'photos.coffer', size: 10, modified: 1 }]),
    openReader: vi.fn(async () => ({ size: 10, connect: () => new MessageChannel().port1, close: vi.fn() })),
    recordCopy: vi.fn(async () => {}),
    confirm: vi.fn(() => true),
    ...overrides,
  };
}

function setUp(overrides: Partial<PlacesSteps> = {}) {
  const steps = fakeSteps(overrides);
  const run = recorder(INITIAL_PLACES);
  const onOpen = vi.fn();
  return { steps, run, onOpen, flow: placesFlow(steps, run.report, onOpen) };
}

describe('the Places flow', () => {
  it('tests a place admitted for the test only: the trial ends whether it worked or not', async () => {
    const ok = setUp();
    await ok.flow.test(form);
    expect(ok.steps.run).toHaveBeenCalledWith({
      type: 'test',
      place: { location: form.location, endpoint: '', region: '' },
      credentials: { user: 'me', secret: 'pw' },
    });
    expect(ok.run.state.message).toMatch(/works/);
    expect(ok.steps.endTrial).toHaveBeenCalledWith('trial-1');

    const refused = setUp({ run: vi.fn(async () => Promise.reject(new PlaceRefusal())) });
    await refused.flow.test(form);
    expect(refused.run.state.failure?.message).toMatch(/refused the credentials/);
    expect(refused.run.state.message).toBe('');
    expect(refused.run.state.busy).toBe('');
    expect(refused.steps.endTrial).toHaveBeenCalledWith('trial-1');
  });

  it('says what is wrong with a location before any request', async () => {
    const bad = setUp({
      beginTrial: vi.fn(async () => Promise.reject(new RemoteError('usage', 'Location: start with webdav+https://'))),
    });
    await bad.flow.test({ ...form, location: 'https://x/' });
    expect(bad.run.state.failure).toMatchObject({ kind: 'usage', message: 'Location: start with webdav+https://' });
    expect(bad.steps.run).not.toHaveBeenCalled();
    expect(bad.steps.endTrial).not.toHaveBeenCalled();
  });

  it('asks for the device passphrase to seal the credentials, then saves and lists the place', async () => {
    const savePlace = vi
      .fn<PlacesSteps['savePlace']>()
      .mockRejectedValueOnce(new DevicePassphraseNeeded())
      .mockResolvedValueOnce(place);
    const { run, flow } = setUp({ savePlace });
    flow.open();
    expect(await flow.save(form)).toBe(false);
    expect(run.state.askPassphrase).toBe(true);
    expect(await flow.save({ ...form, devicePassphrase: 'device words' })).toBe(true);
    expect(savePlace).toHaveBeenLastCalledWith(expect.anything(), { user: 'me', secret: 'pw' }, 'device words');
    expect(run.state).toMatchObject({ adding: false, askPassphrase: false, places: [place] });
    expect(run.state.message).toMatch(/^Saved /);
  });

  it('forgets a place only when the person agrees', async () => {
    const declined = setUp({ confirm: vi.fn(() => false) });
    await declined.flow.forget(place);
    expect(declined.steps.forgetPlace).not.toHaveBeenCalled();
    const agreed = setUp();
    await agreed.flow.forget(place);
    expect(agreed.steps.forgetPlace).toHaveBeenCalledWith('p1');
    expect(agreed.run.state.message).toMatch(/^Forgot /);
  });
});

describe('Open from a place', () => {
  it('lists the backups there, and opens one to be read from there', async () => {
    const { steps, run, onOpen, flow } = setUp();
    await flow.browse(place);
    expect(run.state.browsing).toEqual({ placeId: 'p1', entries: [{ name: 'photos.coffer', size: 10, modified: 1 }] });
    await flow.openAt(place, { name: 'photos.coffer', size: 10 });
    expect(steps.openReader).toHaveBeenCalledWith(place.settings, { user: 'me', secret: 'pw' }, 'photos.coffer');
    expect(onOpen).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'remote', name: 'photos.coffer', size: 10, location: place.settings.location }),
    );
  });

  it('asks for the device passphrase before listing, and says a listing refused', async () => {
    const locked = setUp({ placeCredentials: vi.fn(async () => Promise.reject(new DevicePassphraseNeeded())) });
    await locked.flow.browse(place);
    expect(locked.run.state.browsing).toEqual({ placeId: 'p1', askPassphrase: true, failure: undefined });
    expect(locked.steps.list).not.toHaveBeenCalled();
    const refused = setUp({ list: vi.fn(async () => Promise.reject(new PlaceRefusal())) });
    await refused.flow.browse(place);
    expect(refused.run.state.browsing?.failure?.message).toMatch(/refused the credentials/);
  });
});

describe('Send a copy', () => {
  async function send(steps: PlacesSteps, passphrase?: string): Promise<SendState[]> {
    const shown: SendState[] = [];
    const source = { name: backup.name, size: backup.size, blob: async () => new Blob(['x']), stored: backup };
    await sendCopy(steps, source, place, passphrase, (state) => shown.push(state));
    return shown;
  }

  it('sends the stored file under the backup name, then records the copy', async () => {
    const steps = fakeSteps({
      run: vi.fn(async (_command, events) => events?.onProgress?.(5, 10)),
    });
    const shown = await send(steps);
    expect(steps.run).toHaveBeenCalledWith(
      expect.objectContaining({ type: 'send', name: 'photos.coffer', credentials: { user: 'me', secret: 'pw' } }),
      expect.anything(),
    );
    expect(steps.recordCopy).toHaveBeenCalledWith(backup, { id: 'p1', location: place.settings.location });
    expect(shown.map((state) => state.step)).toEqual(['sending', 'sending', 'sent']);
  });

  it('asks for the device passphrase, again after a wrong one, and sends nothing until it opens', async () => {
    const needed = fakeSteps({ placeCredentials: vi.fn(async () => Promise.reject(new DevicePassphraseNeeded())) });
    expect(await send(needed)).toEqual([{ step: 'passphrase' }]);
    const wrong = fakeSteps({
      placeCredentials: vi.fn(async () => Promise.reject(new WrongDevicePassphrase("this place's password"))),
    });
    const [state] = await send(wrong, 'guess');
    expect(state).toMatchObject({ step: 'passphrase', failure: { message: /does not open this place's password/ } });
    expect(wrong.run).not.toHaveBeenCalled();
  });

  it('a failed send is said, and recorded as failed with its reason', async () => {
    const steps = fakeSteps({ run: vi.fn(async () => Promise.reject(new PlaceRefusal())) });
    const shown = await send(steps);
    expect(shown.at(-1)).toMatchObject({ step: 'failed', failure: { kind: 'refused' } });
    expect(steps.recordCopy).toHaveBeenCalledWith(
      backup,
      { id: 'p1', location: place.settings.location },
      'The server refused the credentials (401).',
    );
  });
});
