export { askToEnrol } from './enrolment.svelte';
