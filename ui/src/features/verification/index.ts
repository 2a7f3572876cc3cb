export { default as VerifyEmailBanner } from './VerifyEmailBanner.svelte';
