/**
 * Waiting for the app's service worker to take the page. On a first visit it is still installing
 * when the page is already in use; it takes the page as soon as it is active (clientsClaim in
 * src/sw/sw.ts). What it serves (the places worker, with the policy that admits the saved places)
 * is only there once it does, so a first visit waits for it rather than tell the person to reload.
 */

/** How long a first visit waits for the installing service worker. */
export const INSTALL_WAIT_MS = 20_000;

/** The parts of navigator.serviceWorker this needs (a stand-in in tests). */
export type ServiceWorkerContainerLike = Pick<
  ServiceWorkerContainer,
  'controller' | 'getRegistration' | 'addEventListener' | 'removeEventListener'
>;

/**
 * True once a service worker controls the page: at once if one does, after a wait if one is
 * installing for the first time, false at once if none is on its way (a private window, no
 * service workers, or an update waiting for the person to agree, which needs a reload anyway).
 */
export async function untilControlled(
  container: ServiceWorkerContainerLike | undefined = globalThis.navigator?.serviceWorker,
  waitMs = INSTALL_WAIT_MS,
): Promise<boolean> {
  if (!container) return false;
  if (container.controller) return true;
  const registration = await container.getRegistration().catch(() => undefined);
  // With one already active, this page was loaded past it (a hard reload): only a reload helps.
  if (!registration || registration.active || !(registration.installing || registration.waiting)) return false;
  return new Promise<boolean>((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      container.removeEventListener('controllerchange', finish);
      resolve(container.controller !== null);
    };
    const timer = setTimeout(finish, waitMs);
    container.addEventListener('controllerchange', finish);
  });
}
