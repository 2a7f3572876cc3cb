export { default as OfflineBanner } from './OfflineBanner.svelte';
export { default as OutboxPanel } from './OutboxPanel.svelte';
