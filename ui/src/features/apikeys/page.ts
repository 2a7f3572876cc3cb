export { default as ApiKeysPage } from './ApiKeysPage.svelte';
