export { default as PortfolioPage } from './PortfolioPage.svelte';
