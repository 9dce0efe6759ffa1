/**
 * Camera and microphone for the Capture view as reactive state: the device lists, the chosen ids, the open
 * stream and what went wrong opening it. Choices are remembered in the settings for the next session.
 */
import { api } from '../api/client.js';
import { chooseDevice, describeMediaError, listDevices, openCaptureStream, stopStream, streamDeviceIds, type DeviceLists } from './devices.js';
import { t } from '../i18n/i18n.js';

export interface DeviceChoice {
  cameraId: string | null;
  microphoneId: string | null;
}

export class CaptureDevices {
  lists = $state<DeviceLists>({ cameras: [], microphones: [] });
  cameraId = $state<string | null>(null);
  microphoneId = $state<string | null>(null);
  stream = $state<MediaStream | null>(null);
  error = $state<string | null>(null);
  opening = $state(false);

  /** Set when the view is gone: a stream that opens after that is closed at once. */
  private disposed = false;

  /** Opens the chosen (or remembered, or default) camera and microphone. */
  async open(preferred: DeviceChoice): Promise<void> {
    this.opening = true;
    this.error = null;
    this.release();
    try {
      const before = await listDevices();
      if (!before.cameras.length && !before.microphones.length) throw new Error(t('devices.noneAtAll'));
      if (!before.cameras.length) throw new Error(t('devices.noCamera'));
      if (!before.microphones.length) throw new Error(t('devices.noMicrophone'));
      // Before permission ids are hidden (empty): ask for the default devices then.
      let s = await openCaptureStream(chooseDevice(before.cameras, preferred.cameraId), chooseDevice(before.microphones, preferred.microphoneId));
      const lists = await listDevices();
      this.lists = lists;
      let used = streamDeviceIds(s);
      // Ids only become visible with permission; if the remembered devices are connected, switch to them now.
      const wantCamera = preferred.cameraId && lists.cameras.some((d) => d.id === preferred.cameraId) ? preferred.cameraId : used.cameraId;
      const wantMicrophone = preferred.microphoneId && lists.microphones.some((d) => d.id === preferred.microphoneId) ? preferred.microphoneId : used.microphoneId;
      if (wantCamera !== used.cameraId || wantMicrophone !== used.microphoneId) {
        stopStream(s);
        s = await openCaptureStream(wantCamera, wantMicrophone);
        used = streamDeviceIds(s);
      }
      if (this.disposed) {
        stopStream(s);
        return;
      }
      this.stream = s;
      this.cameraId = used.cameraId ?? chooseDevice(lists.cameras, preferred.cameraId);
      this.microphoneId = used.microphoneId ?? chooseDevice(lists.microphones, preferred.microphoneId);
    } catch (e) {
      this.error = describeMediaError(e);
      try {
        this.lists = await listDevices();
      } catch {
        /* the error above already says what is wrong */
      }
    } finally {
      this.opening = false;
    }
  }

  /** Switches one device and remembers it for the next session (a failure to save must not stop this one). */
  async change(kind: 'camera' | 'microphone', id: string): Promise<void> {
    const next: DeviceChoice = kind === 'camera' ? { cameraId: id, microphoneId: this.microphoneId } : { cameraId: this.cameraId, microphoneId: id };
    void api.call('settings.update', kind === 'camera' ? { cameraId: id } : { microphoneId: id }).catch(() => {});
    await this.open(next);
  }

  retry(): Promise<void> {
    return this.open({ cameraId: this.cameraId, microphoneId: this.microphoneId });
  }

  release(): void {
    stopStream(this.stream);
    this.stream = null;
  }

  /** Keeps the lists current as devices are plugged in or out; returns the unsubscribe. */
  watch(): () => void {
    const onChange = () => void listDevices().then((d) => (this.lists = d)).catch(() => {});
    navigator.mediaDevices?.addEventListener('devicechange', onChange);
    return () => navigator.mediaDevices?.removeEventListener('devicechange', onChange);
  }

  dispose(): void {
    this.disposed = true;
  }
}
