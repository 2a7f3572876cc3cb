import { mount } from 'svelte';
import { useDesktopFonts } from './lib/fonts';
import { startupMark } from './lib/startup';
import App from './app/App.svelte';
import { startTheme } from './lib/theme.svelte';
import './app/app.css';
import './app/dark.css';

// Before the first component renders: the theme the app kept (it usually marked <html>
// already, as the document began).
startupMark('script');
useDesktopFonts();
void startTheme();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target });
