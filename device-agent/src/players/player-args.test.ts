import { describe, expect, it } from 'vitest';
import { alsaPlayerArgs, nullPlayerArgs, volumeToGain } from './player-args.js';

describe('player args', () => {
  it('null player decodes at real-time pace into the null muxer', () => {
    expect(nullPlayerArgs('/c/a.mp3')).toEqual([
      '-hide_banner',
      '-nostdin',
      '-v',
      'error',
      '-re',
      '-i',
      '/c/a.mp3',
      '-f',
      'null',
      '-',
    ]);
  });

  it('alsa player applies the volume as linear gain and targets the device, without -re', () => {
    const args = alsaPlayerArgs('/c/a.mp3', { volume: 75, alsaDevice: 'hw:1,0' });
    expect(args).toEqual([
      '-hide_banner',
      '-nostdin',
      '-v',
      'error',
      '-i',
      '/c/a.mp3',
      '-af',
      'volume=0.75',
      '-f',
      'alsa',
      'hw:1,0',
    ]);
    expect(args).not.toContain('-re');
  });

  it('seeks with -ss before -i when joining late, and not at all from the start', () => {
    expect(nullPlayerArgs('/c/a.mp3', { offsetMs: 12_345 }).slice(4, 9)).toEqual([
      '-ss',
      '12.345',
      '-re',
      '-i',
      '/c/a.mp3',
    ]);
    const alsa = alsaPlayerArgs('/c/a.mp3', { volume: 50, alsaDevice: 'default', offsetMs: 1_500 });
    expect(alsa.indexOf('-ss')).toBeLessThan(alsa.indexOf('-i'));
    expect(alsa[alsa.indexOf('-ss') + 1]).toBe('1.500');
    expect(nullPlayerArgs('/c/a.mp3', { offsetMs: 0 })).not.toContain('-ss');
    expect(alsaPlayerArgs('/c/a.mp3', { volume: 50, alsaDevice: 'default', offsetMs: -3 })).not.toContain('-ss');
  });

  it('maps volume 0–100 to gain 0–1 and clamps the rest', () => {
    expect(volumeToGain(0)).toBe('0.00');
    expect(volumeToGain(100)).toBe('1.00');
    expect(volumeToGain(33)).toBe('0.33');
    expect(volumeToGain(250)).toBe('1.00');
    expect(volumeToGain(-5)).toBe('0.00');
    expect(volumeToGain(Number.NaN)).toBe('0.00');
  });
});
