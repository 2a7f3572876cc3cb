export { default as SsoGate } from './SsoGate.svelte';
export { default as SsoSignInStep } from './SsoSignInStep.svelte';
