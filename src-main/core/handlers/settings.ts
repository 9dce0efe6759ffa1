import path from 'node:path';
import type { Settings } from '../../../src-shared/domain.js';
import { ApiError } from '../../../src-shared/errors.js';
import { readConfig, writeConfig } from '../config/app-config.js';
import { dataDirProblem } from '../config/data-dir-check.js';
import { ffmpegPath } from '../media/ffmpeg.js';
import { schemaVersion } from '../store/database.js';
import type { Handlers } from '../rpc/dispatch.js';
import type { CoreServices } from '../core-services.js';

export function settingsHandlers(s: CoreServices): Pick<Handlers, 'app.info' | 'settings.get' | 'settings.update'> {
  const current = (): Settings => {
    const configured = readConfig().dataDir ?? null;
    return {
      dataDir: s.dataDir,
      pendingDataDir: configured && path.resolve(configured) !== path.resolve(s.dataDir) ? configured : null,
      cameraId: s.settings.get('cameraId'),
      microphoneId: s.settings.get('microphoneId'),
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
      s.audit.write(ctx, { action: 'settings.update', detail: { dataDir: input.dataDir !== undefined, camera: input.cameraId !== undefined, microphone: input.microphoneId !== undefined } });
      if (input.dataDir !== undefined) {
        const problem = dataDirProblem(input.dataDir);
        if (problem) throw new ApiError('invalid_input', problem);
        writeConfig({ ...readConfig(), dataDir: input.dataDir });
      }
      if (input.cameraId !== undefined) s.settings.set('cameraId', input.cameraId);
      if (input.microphoneId !== undefined) s.settings.set('microphoneId', input.microphoneId);
      return current();
    },
  };
}
