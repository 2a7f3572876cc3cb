export { default as SsoSettingsPage } from './SsoSettingsPage.svelte';
export { default as SsoGate } from './SsoGate.svelte';
export { default as SsoSignInStep } from './SsoSignInStep.svelte';
