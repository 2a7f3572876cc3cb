export { default as DataPage } from './DataPage.svelte';
export { default as DangerZonePage } from './DangerZonePage.svelte';
