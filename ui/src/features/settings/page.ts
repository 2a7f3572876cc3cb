export { default as GeneralSettings } from './GeneralSettings.svelte';
