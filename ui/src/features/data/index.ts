export { default as PendingDeletionBanner } from './PendingDeletionBanner.svelte';
