export { default as AccountPage } from './AccountPage.svelte';
