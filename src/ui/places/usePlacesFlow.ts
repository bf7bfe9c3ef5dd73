/** The Places section's state and its flow, wired to this browser's storage and the places worker. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { openPlaceReader, runPlaceCommand } from '../../worker/places-client.ts';
import type { RemoteBackup } from '../shared/backup-file.ts';
import { useMergedState } from '../shared/merged-state.ts';
import type { StoredPlace } from '../vault/db.ts';
import {
  beginTrial,
  endTrial,
  forgetPlace,
  listPlaces,
  placeCredentials,
  recordCopy,
  removeStaleTrials,
  savePlace,
} from './places.ts';
import { EMPTY_FORM, INITIAL_PLACES, type PlaceForm, type PlacesSteps, placesFlow } from './places-flow.ts';

export const BROWSER_PLACE_STEPS: PlacesSteps = {
  listPlaces,
  beginTrial,
  endTrial,
  run: async (command, events) => {
    await runPlaceCommand(command, events);
  },
  savePlace,
  forgetPlace,
  placeCredentials,
  async list(place, credentials) {
    const answer = await runPlaceCommand({ type: 'list', place, credentials });
    return answer.type === 'listed' ? answer.entries : [];
  },
  openReader: (place, credentials, name) => openPlaceReader({ type: 'serve', place, credentials, name }),
  recordCopy,
  confirm: (question) => window.confirm(question),
};

export function usePlacesFlow(onOpen: (backup: RemoteBackup) => void) {
  const [state, report] = useMergedState(INITIAL_PLACES);
  // Read when a backup is opened, so a re-render's callback is the one called.
  const latest = useRef(onOpen);
  latest.current = onOpen;
  const flow = useMemo(() => placesFlow(BROWSER_PLACE_STEPS, report, (backup) => latest.current(backup)), [report]);
  useEffect(() => {
    void removeStaleTrials().then(flow.refresh);
  }, [flow]);
  return { state, flow };
}

/** The saved places, for Send a copy outside the Places section (after a backup is made). */
export function useSavedPlaces(): StoredPlace[] {
  const [places, setPlaces] = useState<StoredPlace[]>([]);
  useEffect(() => {
    listPlaces().then(setPlaces, () => setPlaces([]));
  }, []);
  return places;
}

export function usePlaceForm() {
  const [form, setForm] = useState<PlaceForm>(EMPTY_FORM);
  const update = (field: keyof PlaceForm, value: string) => setForm((old) => ({ ...old, [field]: value }));
  const reset = () => setForm(EMPTY_FORM);
  return { form, update, reset };
}
