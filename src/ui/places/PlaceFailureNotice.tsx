import type { PlaceFailure } from '../../worker/places-protocol.ts';

/** A place's failure: the server's refusal in plain words, and for CORS the exact settings to add. */
export function PlaceFailureNotice({ failure }: { failure: PlaceFailure }) {
  return (
    <div class="notice error" role="alert">
      <p class="notice-headline">{failure.message}</p>
      {failure.hint && <p>{failure.hint}</p>}
      {failure.corsSettings && (
        <pre class="settings" data-testid="cors-settings">
          {failure.corsSettings}
        </pre>
      )}
    </div>
  );
}
