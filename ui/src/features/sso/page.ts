export { default as SsoSettingsPage } from './SsoSettingsPage.svelte';
