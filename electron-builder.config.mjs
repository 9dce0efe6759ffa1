// Packaging for Linux (AppImage, deb), Windows (nsis) and macOS (dmg): `npm run package` (it rebuilds
// native modules for Electron and verifies them first). `npm run package:check` builds a Linux x64 folder
// with a stand-in Electron and checks what users get against these rules; README "Packaging" says more.
//
// A JavaScript config because electron-builder replaces the top-level `files` with a platform's `files`
// instead of adding to it: each platform gets the full list below plus its own exclusions.

/** The app itself: package.json main (out/main/main.js) is started as it is, with no extraMetadata override. */
const appFiles = ['package.json', 'out/main/**', 'out/preload/**', 'out/renderer/**', 'models/**', 'assets/fonts/**', '!**/*.map', '!models/fixtures{,/**}'];

/** Exclusions that also apply inside node_modules (electron-builder keeps only "!" rules there). */
const dependencyExclusions = [
  // Sources and build intermediates of native modules: only the compiled .node file runs.
  '!**/node_modules/**/build/{Release,Debug}/{obj,obj.target,.deps}{,/**}',
  '!**/node_modules/**/build/{Release,Debug}/test_extension.node',
  '!**/node_modules/**/build/{deps,node_gyp_bins}{,/**}',
  '!**/node_modules/**/build/{Makefile,config.gypi,*.Makefile}',
  '!**/node_modules/{better-sqlite3,better-sqlite3-multiple-ciphers}/{deps,src}{,/**}',
  '!**/node_modules/**/{binding.gyp,*.gypi}',
  // Dependencies' own tests, benchmarks and TypeScript sources.
  '!**/node_modules/**/{test,tests,__tests__,benchmark,benchmarks}{,/**}',
  '!**/node_modules/**/*.{test,spec}.{js,mjs,cjs}',
  '!**/node_modules/**/*.{ts,mts,cts}',
  // BullMQ ships CommonJS and ES module builds; Node loads its "main" (CommonJS), so the other is dead weight.
  '!**/node_modules/bullmq/dist/esm{,/**}',
];

const NODE_PLATFORMS = ['darwin', 'linux', 'win32', 'freebsd', 'openbsd', 'android', 'sunos', 'aix'];

/**
 * Only the target's native binaries. Platform folders are recognised by their layout, not by package
 * versions: `…/napi-v*` + `/<platform>/<arch>/` (onnxruntime-node) and scoped `<scope>/<platform>-<arch>`
 * packages (per-platform binary packages such as ffmpeg's and ffprobe's). `${arch}` is the architecture
 * being packaged, so a universal macOS build is not supported (one dmg per architecture).
 */
export function onlyPlatform(platform) {
  const others = NODE_PLATFORMS.filter((p) => p !== platform).join('|');
  return [
    `!**/node_modules/**/napi-v*/!(${platform}){,/**}`,
    `!**/node_modules/**/napi-v*/${platform}/!(\${arch}){,/**}`,
    `!**/node_modules/@*/@(${others})-*{,/**}`,
    `!**/node_modules/@*/${platform}-!(\${arch}){,/**}`,
  ];
}

/**
 * On Linux ffmpeg and ffprobe are the distribution's (maintained and security-updated; the deb depends on
 * them): the static builds are about 147 MB, over the package budget. Any bundled copy is left out and the
 * core finds them on PATH.
 */
const systemFfmpeg = ['!**/node_modules/**/{ffmpeg,ffprobe}{,.exe}{,/**}', '!**/node_modules/@{ffmpeg,ffprobe}-installer{,/**}'];

const files = (...rules) => [...appFiles, ...dependencyExclusions, ...rules];

/** Where each target takes ffmpeg/ffprobe from; package:check holds the package to it. */
export const ffmpegSource = { linux: 'system', win32: 'bundled', darwin: 'bundled' };

export default {
  appId: 'org.affectstudio.desktop',
  productName: 'Affect Studio',
  copyright: 'Copyright © 2026 Affect Studio',
  directories: { output: 'release', buildResources: 'assets' },
  // Plain text beside app.asar, readable without unpacking anything.
  extraResources: [{ from: 'THIRD_PARTY_NOTICES', to: 'THIRD_PARTY_NOTICES' }],
  // Native modules, the ffmpeg binaries and the models must be real files on disk: nothing can be
  // dlopen'ed, executed or memory-mapped from inside an asar archive.
  asar: true,
  asarUnpack: [
    'models/**',
    '**/node_modules/better-sqlite3/**',
    '**/node_modules/better-sqlite3-multiple-ciphers/**',
    '**/node_modules/onnxruntime-node/**',
    '**/node_modules/@ffmpeg-installer/**',
    '**/node_modules/@ffprobe-installer/**',
    '**/*.node',
    // Any bundled ffmpeg/ffprobe, whichever package ships it.
    '**/node_modules/**/{ffmpeg,ffprobe}{,.exe}',
  ],
  npmRebuild: true,
  // Auto-update is off: clinical installs are managed by IT, who deploy each version deliberately. No
  // publish provider is configured, so no update metadata is made and the app never looks for updates.
  publish: null,
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Science',
    icon: 'assets/icon.png',
    synopsis: 'Record sessions and estimate emotion from face and voice, locally',
    files: files(...onlyPlatform('linux'), ...systemFfmpeg),
  },
  deb: { depends: ['libnss3', 'libasound2', 'ffmpeg'] },
  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    icon: 'assets/icon.png',
    files: files(...onlyPlatform('win32')),
    // Signing: README "Code signing" (CSC_LINK/CSC_KEY_PASSWORD with a .pfx, or azureSignOptions).
  },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  mac: {
    // Apple silicon only: onnxruntime-node 1.30 ships no macOS x64 binary (package:check lists darwin-x64 and says so).
    target: [{ target: 'dmg', arch: ['arm64'] }],
    category: 'public.app-category.medical',
    icon: 'assets/icon.png',
    files: files(...onlyPlatform('darwin')),
    // Signed with the Developer ID certificate in CSC_LINK/CSC_KEY_PASSWORD (or the login keychain),
    // notarized when APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID are set: README "Code signing".
    hardenedRuntime: true,
    entitlements: 'assets/entitlements.mac.plist',
    entitlementsInherit: 'assets/entitlements.mac.plist',
    extendInfo: {
      NSCameraUsageDescription: 'Affect Studio records the session camera and analyses facial expression on this computer.',
      NSMicrophoneUsageDescription: 'Affect Studio records the session microphone and analyses the voice on this computer.',
    },
  },
};
