/** The Places section's state and its flow, wired to this browser's storage and the places worker. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { runPlaceCommand } from '../../worker/places-client.ts';
import { useMergedState } from '../shared/merged-state.ts';
import { storedFile } from '../vault/vault.ts';
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
  run: (command, events) => runPlaceCommand(command, events),
  savePlace,
  forgetPlace,
  placeCredentials,
  storedFile,
  recordCopy,
  confirm: (question) => window.confirm(question),
};

export function usePlacesFlow() {
  const [state, report] = useMergedState(INITIAL_PLACES);
  const flow = useMemo(() => placesFlow(BROWSER_PLACE_STEPS, report), [report]);
  useEffect(() => {
    void removeStaleTrials().then(flow.refresh);
  }, [flow]);
  return { state, flow };
}

export function usePlaceForm() {
  const [form, setForm] = useState<PlaceForm>(EMPTY_FORM);
  const update = (field: keyof PlaceForm, value: string) => setForm((old) => ({ ...old, [field]: value }));
  const reset = () => setForm(EMPTY_FORM);
  return { form, update, reset };
}
