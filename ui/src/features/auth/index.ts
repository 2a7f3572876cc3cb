export { default as AuthScreen } from './AuthScreen.svelte';
