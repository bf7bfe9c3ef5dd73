import type { FriendlyError } from './messages.ts';

export function ErrorNotice({ error }: { error: FriendlyError }) {
  return (
    <div class="notice error" role="alert">
      <p class="notice-headline">{error.headline}</p>
      {error.detail && error.detail !== error.headline && <p>{error.detail}</p>}
      {error.advice && <p>{error.advice}</p>}
    </div>
  );
}
