export { default as OverviewPage } from './OverviewPage.svelte';
