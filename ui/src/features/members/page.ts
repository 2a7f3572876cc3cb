export { default as MembersPage } from './MembersPage.svelte';
