export { default as SecuritySettings } from './SecuritySettings.svelte';
