import type { FriendlyError } from './messages.ts';

export function ErrorNotice({ error }: { error: FriendlyError }) {
  return (
    <div class="notice error" role="alert">
      <p class="notice-headline">{error.headline}</p>
      {error.advice && <p>{error.advice}</p>}
      {/* Internal words (chunk numbers, integrity checks) stay out of the headline. */}
      {error.detail && error.detail !== error.headline && <p class="notice-detail">Details: {error.detail}</p>}
    </div>
  );
}
