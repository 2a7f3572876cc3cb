export { default as DataPage } from './DataPage.svelte';
export { default as DangerZonePage } from './DangerZonePage.svelte';
export { default as PendingDeletionBanner } from './PendingDeletionBanner.svelte';
