/// <reference types="svelte" />
/// <reference types="vite/client" />

/** The camera preview's face model (models/manifest.json, task face-detector-preview), set by the build. */
declare const __PREVIEW_MODEL__: { id: string; file: string; sha256: string };
