// Logo images by org and content hash: fetched once through the backend (which checks
// the ETag) and shared by every place that shows the logo.
import { commands, type Org } from './bindings';
import { call } from './ipc';

const images = $state<Record<string, string>>({});
const pending = new Set<string>(); // eslint-disable-line svelte/prefer-svelte-reactivity -- bookkeeping, not state

type WithLogo = Pick<Org, 'id' | 'logo'>;

function key(org: WithLogo): string | null {
  return org.logo ? `${org.id}:${org.logo.etag}` : null;
}

/** The logo's data URL if loaded; starts loading it otherwise. */
export function logoUrl(org: WithLogo): string | null {
  const k = key(org);
  if (!k || !org.logo) return null;
  const url = images[k];
  if (url) return url;
  if (!pending.has(k)) {
    pending.add(k);
    void call(commands.getLogo(org.id, org.logo.etag))
      .then((image) => {
        if (image) images[k] = image.data_url;
      })
      .catch((e) => console.warn('logo not loaded', e))
      .finally(() => pending.delete(k));
  }
  return null;
}

/** Shows a just-uploaded image at once, before any round trip. */
export function primeLogo(org: WithLogo, dataUrl: string): void {
  const k = key(org);
  if (k) images[k] = dataUrl;
}
