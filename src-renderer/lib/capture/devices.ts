import { t } from '../i18n/i18n.js';

export interface DeviceOption {
  id: string;
  label: string;
}

export interface DeviceLists {
  cameras: DeviceOption[];
  microphones: DeviceOption[];
}

/**
 * Raw microphone signal: the recording is analysed for voice emotion, and echo cancellation, noise
 * suppression and automatic gain would alter exactly the prosody being measured.
 */
export const RAW_AUDIO = { echoCancellation: false, noiseSuppression: false, autoGainControl: false } as const;

/** Turns MediaDeviceInfo into named options; unnamed devices (no permission yet) get a numbered name. */
export function toDeviceLists(devices: readonly Pick<MediaDeviceInfo, 'kind' | 'deviceId' | 'label'>[]): DeviceLists {
  const pick = (kind: MediaDeviceKind, noun: (n: number) => string): DeviceOption[] =>
    devices
      .filter((d) => d.kind === kind)
      .map((d, i) => ({ id: d.deviceId, label: d.label || noun(i + 1) }));
  return { cameras: pick('videoinput', (n) => t('devices.cameraN', { n })), microphones: pick('audioinput', (n) => t('devices.microphoneN', { n })) };
}

export async function listDevices(): Promise<DeviceLists> {
  if (!navigator.mediaDevices?.enumerateDevices) throw new Error(t('devices.noAccess'));
  return toDeviceLists(await navigator.mediaDevices.enumerateDevices());
}

/** Before permission is granted browsers hide device names and ids. */
export function namesHidden(lists: DeviceLists): boolean {
  return [...lists.cameras, ...lists.microphones].some((d) => d.id === '');
}

/** The remembered device when it is still connected, otherwise the first one (the system default). */
export function chooseDevice(options: readonly DeviceOption[], preferredId: string | null | undefined): string | null {
  if (preferredId && options.some((o) => o.id === preferredId)) return preferredId;
  return options.find((o) => o.id !== '')?.id ?? null;
}

/** Opens camera and microphone together; ids that are null mean "the system default". */
export async function openCaptureStream(cameraId: string | null, microphoneId: string | null): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error(t('devices.noAccess'));
  return navigator.mediaDevices.getUserMedia({
    video: {
      ...(cameraId ? { deviceId: { exact: cameraId } } : {}),
      width: { ideal: 1280 },
      height: { ideal: 720 },
      frameRate: { ideal: 30 },
    },
    audio: { ...(microphoneId ? { deviceId: { exact: microphoneId } } : {}), ...RAW_AUDIO },
  });
}

/** Asks for permission once so device names become visible, then releases the devices. */
export async function requestDeviceAccess(): Promise<void> {
  const stream = await openCaptureStream(null, null);
  for (const t of stream.getTracks()) t.stop();
}

export function stopStream(stream: MediaStream | null): void {
  for (const t of stream?.getTracks() ?? []) t.stop();
}

/** The ids of the devices a stream actually uses (the browser may have picked the default). */
export function streamDeviceIds(stream: MediaStream): { cameraId: string | null; microphoneId: string | null } {
  return {
    cameraId: stream.getVideoTracks()[0]?.getSettings().deviceId ?? null,
    microphoneId: stream.getAudioTracks()[0]?.getSettings().deviceId ?? null,
  };
}

/** getUserMedia failures in words a clinician can act on. */
export function describeMediaError(e: unknown): string {
  const name = e instanceof Error || (typeof DOMException !== 'undefined' && e instanceof DOMException) ? (e as Error).name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return t('devices.refused');
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return t('devices.notFound');
    case 'NotReadableError':
    case 'TrackStartError':
      return t('devices.notReadable');
    case 'OverconstrainedError':
      return t('devices.overconstrained');
    case 'AbortError':
      return t('devices.aborted');
    default:
      return e instanceof Error ? e.message : String(e);
  }
}
