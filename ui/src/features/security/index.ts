export { default as TwoFactorGate } from './TwoFactorGate.svelte';
