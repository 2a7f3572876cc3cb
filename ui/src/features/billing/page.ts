export { default as BillingPage } from './BillingPage.svelte';
