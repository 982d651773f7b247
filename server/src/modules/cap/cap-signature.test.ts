import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readCapMessage } from './cap-message.js';
import { sampleAlert, signSample } from './cap-sample.js';
import { verifyCapSignature } from './cap-signature.js';

const keys = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

describe('CAP XML signature', () => {
  const sender = keys();
  const other = keys();
  const signed = signSample(sampleAlert(), sender.privateKey);

  it('accepts an alert signed by the registered key, and the signed alert still parses', () => {
    expect(signed).toContain('Signature');
    expect(verifyCapSignature(signed, sender.publicKey)).toEqual({ ok: true });
    expect(readCapMessage(signed, 1 << 20).identifier).toBe('KTTV-2026-001');
  });

  it('refuses an unsigned alert, a tampered one, and one signed by another key', () => {
    expect(verifyCapSignature(sampleAlert(), sender.publicKey)).toMatchObject({ ok: false, message: /must sign/ });
    const tampered = signed.replace('Bão số 3 đổ bộ', 'Bão số 4 đổ bộ');
    expect(verifyCapSignature(tampered, sender.publicKey)).toMatchObject({ ok: false, message: /does not verify/ });
    expect(verifyCapSignature(signed, other.publicKey)).toMatchObject({ ok: false, message: /does not verify/ });
  });

  it('refuses a signature that covers only part of the alert', () => {
    const partial = signed.replace(/<Reference URI="">/, '<Reference URI="#info">');
    expect(verifyCapSignature(partial, sender.publicKey)).toMatchObject({ ok: false, message: /whole alert/ });
  });
});
