export { default as ContextSwitcher } from './ContextSwitcher.svelte';
export { default as CreateOrgDialog } from './CreateOrgDialog.svelte';
export { switcher } from './switcher.svelte';
