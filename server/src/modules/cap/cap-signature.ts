/**
 * The enveloped XML Signature a CAP 1.2 alert may carry (§3.3.2.1), checked against the certificate
 * or public key registered for its sender. Only whole-document references (URI="") with the
 * enveloped-signature transform count: the parsed alert is then exactly what was signed, so no
 * signature-wrapping trick can slip unsigned content past the check.
 */
import { createRequire } from 'node:module';

/**
 * The few parts of xml-crypto and @xmldom/xmldom used here. They are loaded with require so their type
 * declarations, which pull the browser's DOM library into the whole program, stay out of it.
 */
interface DomNode {
  nodeType: number;
  localName?: string | null;
  namespaceURI?: string | null;
  childNodes: ArrayLike<DomNode>;
}
interface SignedXmlLike {
  loadSignature(node: DomNode): void;
  getReferences(): Array<{ uri: string; transforms: readonly string[] }>;
  checkSignature(xml: string): boolean;
}
const require = createRequire(import.meta.url);
const { DOMParser } = require('@xmldom/xmldom') as {
  DOMParser: new (opts: {
    onError?: (level: string, message: string) => void;
    errorHandler?: (level: string, message: string) => void;
  }) => { parseFromString(xml: string, mime: string): { documentElement: DomNode | null } };
};
const { SignedXml } = require('xml-crypto') as {
  SignedXml: new (opts: { publicCert: string; getCertFromKeyInfo: () => null }) => SignedXmlLike;
};

const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export type SignatureCheck = { ok: true } | { ok: false; message: string };

/** The caller has already refused DTDs (cap-xml.ts), so the DOM parser sees no entity declarations. */
export function verifyCapSignature(xml: string, publicCertPem: string): SignatureCheck {
  const errors: string[] = [];
  const doc = new DOMParser({
    errorHandler: (level, message) => {
      if (level !== 'warning') errors.push(message);
    },
  }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  if (errors.length || !root) return { ok: false, message: `the XML could not be read for the signature check` };
  const signatures = Array.from(root.childNodes).filter(
    (n) => n.nodeType === 1 && n.localName === 'Signature' && n.namespaceURI === DSIG_NS,
  );
  if (signatures.length !== 1)
    return { ok: false, message: 'this sender must sign its alerts: one enveloped ds:Signature inside <alert>' };
  const sig = new SignedXml({ publicCert: publicCertPem, getCertFromKeyInfo: () => null });
  try {
    sig.loadSignature(signatures[0]!);
  } catch (err) {
    return { ok: false, message: `the signature cannot be read: ${(err as Error).message}` };
  }
  const refs = sig.getReferences();
  if (!refs.length || refs.some((r) => r.uri !== '' || !r.transforms.includes(ENVELOPED)))
    return {
      ok: false,
      message: 'the signature must cover the whole alert (Reference URI="" with enveloped-signature)',
    };
  try {
    if (!sig.checkSignature(xml)) return { ok: false, message: 'the signature does not verify' };
  } catch (err) {
    return { ok: false, message: `the signature does not verify: ${(err as Error).message}` };
  }
  return { ok: true };
}
