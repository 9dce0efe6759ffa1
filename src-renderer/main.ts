import { mount } from 'svelte';
import App from './App.svelte';
import { api } from './lib/api/client.js';
import { setLanguage } from './lib/i18n/i18n.js';
import './app.css';
import { previewDetector } from './lib/vision/preview-detector-state.svelte.js';

// The language chosen in Settings is applied before the first paint; if the core cannot be asked (yet), the
// interface starts in the system's language and the views report the connection problem themselves.
try {
  setLanguage((await api.call('settings.get', {})).language);
} catch {
  /* system language */
}
mount(App, { target: document.getElementById('app')! });
// The camera preview's face detector starts in the background now, not when a recording may be under way.
previewDetector.preload();
