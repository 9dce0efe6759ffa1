import path from 'node:path';
import type { Settings } from '../../../src-shared/domain.js';
import { readConfig, writeConfig } from '../config/app-config.js';
import { dataDirProblem } from '../config/data-dir-check.js';
import { ffmpegPath } from '../media/ffmpeg.js';
import { schemaVersion } from '../store/database.js';
import type { Handlers } from '../rpc/dispatch.js';
import type { CoreServices } from '../core-services.js';
import { LANGUAGE_PREFERENCES, type LanguagePreference } from '../../../src-shared/i18n/i18n.js';
import { ApiError } from '../../../src-shared/errors.js';

function storedLanguage(v: string | null): LanguagePreference {
  return (LANGUAGE_PREFERENCES as readonly (string | null)[]).includes(v) ? (v as LanguagePreference) : 'system';
}

export function settingsHandlers(s: CoreServices): Pick<Handlers, 'app.info' | 'settings.get' | 'settings.update'> {
  const current = (): Settings => {
    const configured = readConfig().dataDir ?? null;
    return {
      dataDir: s.dataDir,
      pendingDataDir: configured && path.resolve(configured) !== path.resolve(s.dataDir) ? configured : null,
      cameraId: s.settings.get('cameraId'),
      microphoneId: s.settings.get('microphoneId'),
      keepImportOriginals: s.media.keepOriginals(),
      language: storedLanguage(s.settings.get('language')),
    };
  };
  return {
    'app.info': () => ({
      name: 'Affect Studio',
      version: s.version,
      platform: `${process.platform}-${process.arch}`,
      dataDir: s.dataDir,
      ffmpeg: ffmpegPath(),
      schemaVersion: schemaVersion(s.db),
    }),
    'settings.get': () => current(),
    'settings.update': (input, ctx) => {
      s.audit.write(ctx, { action: 'settings.update', detail: { dataDir: input.dataDir !== undefined, camera: input.cameraId !== undefined, microphone: input.microphoneId !== undefined, keepImportOriginals: input.keepImportOriginals ?? null } });
      if (input.dataDir !== undefined) {
        const problem = dataDirProblem(input.dataDir);
        if (problem) throw new ApiError('invalid_input', problem);
        writeConfig({ ...readConfig(), dataDir: input.dataDir });
      }
      if (input.cameraId !== undefined) s.settings.set('cameraId', input.cameraId);
      if (input.microphoneId !== undefined) s.settings.set('microphoneId', input.microphoneId);
      if (input.keepImportOriginals !== undefined) s.media.setKeepOriginals(input.keepImportOriginals);
      if (input.language !== undefined) s.settings.set('language', input.language === 'system' ? null : input.language);
      return current();
    },
  };
}
