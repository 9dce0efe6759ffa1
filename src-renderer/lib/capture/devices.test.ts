import { describe, expect, it } from 'vitest';
import { chooseDevice, describeMediaError, namesHidden, toDeviceLists } from './devices.js';

describe('devices', () => {
  const infos = [
    { kind: 'audioinput' as const, deviceId: 'mic-a', label: 'USB mic' },
    { kind: 'videoinput' as const, deviceId: 'cam-a', label: '' },
    { kind: 'videoinput' as const, deviceId: 'cam-b', label: 'Desk camera' },
    { kind: 'audiooutput' as const, deviceId: 'spk', label: 'Speakers' },
  ];

  it('splits cameras from microphones, ignores outputs, and names unnamed devices', () => {
    expect(toDeviceLists(infos)).toEqual({
      cameras: [
        { id: 'cam-a', label: 'Camera 1' },
        { id: 'cam-b', label: 'Desk camera' },
      ],
      microphones: [{ id: 'mic-a', label: 'USB mic' }],
    });
  });

  it('keeps the remembered device when connected, otherwise falls back to the first', () => {
    const { cameras } = toDeviceLists(infos);
    expect(chooseDevice(cameras, 'cam-b')).toBe('cam-b');
    expect(chooseDevice(cameras, 'unplugged')).toBe('cam-a');
    expect(chooseDevice(cameras, null)).toBe('cam-a');
    expect(chooseDevice([], 'cam-b')).toBeNull();
  });

  it('treats empty ids (no permission yet) as hidden and never chooses them', () => {
    const lists = toDeviceLists([{ kind: 'videoinput', deviceId: '', label: '' }]);
    expect(namesHidden(lists)).toBe(true);
    expect(chooseDevice(lists.cameras, null)).toBeNull();
  });

  it('explains a refused permission and a busy device in plain words', () => {
    const named = (name: string) => Object.assign(new Error('x'), { name });
    expect(describeMediaError(named('NotAllowedError'))).toMatch(/refused/);
    expect(describeMediaError(named('NotReadableError'))).toMatch(/in use by another application/);
    expect(describeMediaError(new Error('No camera was found.'))).toBe('No camera was found.');
  });
});
