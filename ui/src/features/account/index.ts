export { default as AccountPage } from './AccountPage.svelte';
export { askToEnrol } from './enrolment.svelte';
