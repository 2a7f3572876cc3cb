export { default as SecuritySettings } from './SecuritySettings.svelte';
export { default as TwoFactorGate } from './TwoFactorGate.svelte';
