import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { previewDetector } from './lib/vision/preview-detector-state.svelte.js';

mount(App, { target: document.getElementById('app')! });
// The camera preview's face detector starts in the background now, not when a recording may be under way.
previewDetector.preload();
