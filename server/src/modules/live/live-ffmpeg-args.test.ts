import { describe, expect, it } from 'vitest';
import { pushHead } from './icecast-push.js';
import { fileArgs, micArgs, relayArgs } from './live-ffmpeg-args.js';
import { listenerHead } from './live-mount.js';

const profile = { bitrateK: 64, sampleRate: 22_050 };

describe('live ffmpeg arguments', () => {
  it('encode every source to the broadcast profile on stdout, flushed per packet, without tags', () => {
    for (const args of [
      micArgs(profile),
      relayArgs('http://x/s', profile, { ioTimeoutMs: 10_000 }),
      fileArgs('/a.mp3', profile, { plays: 1 }),
    ]) {
      expect(args.slice(-2)).toEqual(['mp3', 'pipe:1']);
      const s = args.join(' ');
      expect(s).toContain('-ac 1 -ar 22050 -c:a libmp3lame -b:a 64k');
      expect(s).toContain('-write_xing 0 -id3v2_version 0 -flush_packets 1');
    }
  });

  it('a relay reconnects and times out silent I/O; a file plays in real time, N times', () => {
    const relay = relayArgs('https://radio.example/live', profile, { ioTimeoutMs: 10_000 }).join(' ');
    expect(relay).toContain('-reconnect 1 -reconnect_streamed 1');
    expect(relay).toContain('-rw_timeout 10000000');
    expect(relay).toContain('-i https://radio.example/live');
    expect(fileArgs('/m/a.mp3', profile, { plays: 3 }).join(' ')).toContain('-re -stream_loop 2 -i /m/a.mp3');
    expect(micArgs(profile).join(' ')).toContain('-i pipe:0');
  });
});

describe('stream heads', () => {
  it('a listener gets an Icecast-style head: no length, no cache, audio info', () => {
    const head = listenerHead({ id: 'abc123', title: 'Bão số 3\r\nX: y', bitrateK: 64, sampleRate: 22_050 });
    expect(head.startsWith('HTTP/1.0 200 OK\r\n')).toBe(true);
    expect(head).toContain('icy-name: Bão số 3 X: y\r\n');
    expect(head).toContain('ice-audio-info: ice-samplerate=22050;ice-bitrate=64;ice-channels=1\r\n');
    expect(head).not.toMatch(/content-length/i);
    expect(head.endsWith('\r\n\r\n')).toBe(true);
  });

  it('the Icecast source PUT carries the source credentials from the URL', () => {
    const head = pushHead({
      target: { url: 'http://source:p%40ss@ice.local:8000', mount: '/abc.mp3' },
      name: 'Tin',
      bitrateK: 64,
      sampleRate: 22_050,
    });
    expect(head).toContain('PUT /abc.mp3 HTTP/1.1\r\n');
    expect(head).toContain(`Authorization: Basic ${Buffer.from('source:p@ss').toString('base64')}\r\n`);
    expect(head).toContain('Content-Type: audio/mpeg\r\n');
  });
});
