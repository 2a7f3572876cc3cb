export { default as AuthScreen } from './AuthScreen.svelte';
export { default as ResetPassword } from './ResetPassword.svelte';
