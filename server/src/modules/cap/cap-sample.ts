/** Sample CAP 1.2 messages, built from parts, for the module's tests and examples. */
import { createRequire } from 'node:module';

export interface SampleInfo {
  language?: string;
  event?: string;
  headline?: string;
  description?: string;
  instruction?: string;
  expires?: string;
  /** Raw XML inserted in <info> (resources, areas, extra elements). */
  extra?: string;
  area?: string;
}

export interface SampleAlert {
  identifier?: string;
  sender?: string;
  sent?: string;
  status?: string;
  msgType?: string;
  scope?: string;
  references?: string;
  infos?: SampleInfo[];
  /** Replaces the whole body of <alert> after the header fields. */
  extra?: string;
}

const el = (name: string, value: string | undefined) => (value === undefined ? '' : `<${name}>${value}</${name}>`);

export function sampleArea(geocode = '19753'): string {
  return `<area><areaDesc>Xã Phú Vang</areaDesc><geocode><valueName>MaDonViHanhChinh</valueName><value>${geocode}</value></geocode></area>`;
}

function infoXml(i: SampleInfo): string {
  return [
    '<info>',
    el('language', i.language ?? 'vi-VN'),
    '<category>Met</category>',
    el('event', i.event ?? 'Bão'),
    '<urgency>Immediate</urgency><severity>Severe</severity><certainty>Observed</certainty>',
    el('headline', i.headline ?? 'Bão số 3 đổ bộ'),
    el('description', i.description),
    el('instruction', i.instruction ?? 'Người dân sơ tán đến nơi an toàn'),
    el('expires', i.expires),
    i.extra ?? '',
    i.area ?? sampleArea(),
    '</info>',
  ].join('');
}

export function sampleAlert(a: SampleAlert = {}): string {
  const infos = a.infos ?? [{}];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">',
    el('identifier', a.identifier ?? 'KTTV-2026-001'),
    el('sender', a.sender ?? 'canhbao@kttv.gov.vn'),
    el('sent', a.sent ?? '2026-11-22T08:00:00+07:00'),
    el('status', a.status ?? 'Actual'),
    el('msgType', a.msgType ?? 'Alert'),
    el('scope', a.scope ?? 'Public'),
    el('references', a.references),
    a.extra ?? '',
    ...infos.map(infoXml),
    '</alert>',
  ].join('\n');
}

interface Signer {
  addReference(r: { xpath: string; transforms: string[]; digestAlgorithm: string; isEmptyUri: boolean }): void;
  computeSignature(xml: string, opts: { location: { reference: string; action: 'append' } }): void;
  getSignedXml(): string;
}

/** Signs a sample the way a CAP 1.2 sender does: an enveloped RSA-SHA256 signature over the whole alert. */
export function signSample(xml: string, privateKeyPem: string): string {
  // Loaded with require: xml-crypto's type declarations would pull the DOM library into the program.
  const { SignedXml } = createRequire(import.meta.url)('xml-crypto') as {
    SignedXml: new (o: Record<string, unknown>) => Signer;
  };
  const sig = new SignedXml({
    privateKey: privateKeyPem,
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  });
  sig.addReference({
    xpath: '/*',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    isEmptyUri: true,
  });
  sig.computeSignature(xml, { location: { reference: '/*', action: 'append' } });
  return sig.getSignedXml();
}
