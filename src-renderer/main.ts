import { mount } from 'svelte';
import Root from './Root.svelte';
import { api } from './lib/api/client.js';
import { rememberedLanguage, setLanguage } from './lib/i18n/i18n.js';
import './app.css';
import { previewDetector } from './lib/vision/preview-detector-state.svelte.js';

// The language chosen in Settings is applied before the first paint. It is stored in the (encrypted) data
// folder, so while Affect Studio is locked the last one used on this machine is taken (the gate applies the
// stored one once the folder opens); if the core cannot be asked (yet), the system's language.
try {
  setLanguage((await api.call('settings.get', {})).language);
} catch {
  const last = rememberedLanguage();
  if (last) setLanguage(last);
}
mount(Root, { target: document.getElementById('app')! });
// The camera preview's face detector starts in the background now, not when a recording may be under way.
previewDetector.preload();
