export { default as AuditLogPage } from './AuditLogPage.svelte';
