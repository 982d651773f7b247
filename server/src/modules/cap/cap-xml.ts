/**
 * CAP XML to a plain tree, refusing what a CAP message never needs and an attacker would use: a DOCTYPE
 * (internal or external entities, "billion laughs"), unknown entity references, deep nesting, a body
 * over the size limit, another root element or namespace.
 */
import { XMLParser } from 'fast-xml-parser';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
/** alert/info/area/geocode/value is 5 deep; a Signature adds a few more. */
const MAX_DEPTH = 24;

export interface Problem {
  path: string;
  message: string;
}

/** A parsed element: text, or children by local name (always arrays, document order kept per name). */
export type XmlNode = string | { [name: string]: XmlNode[] };

export class CapXmlError extends Error {
  constructor(
    message: string,
    readonly problems: Problem[],
  ) {
    super(message);
    this.name = 'CapXmlError';
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Entities are decoded below, strictly: only the five XML ones and character references.
  processEntities: false,
  maxNestedTags: MAX_DEPTH,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string, path: string, problems: Problem[]): string {
  return text.replace(/&([^;\s&]{0,12});/g, (whole, ref: string) => {
    const named = NAMED[ref];
    if (named) return named;
    const m = /^#(x[0-9a-fA-F]{1,6}|[0-9]{1,7})$/.exec(ref);
    const code = m
      ? Number.parseInt(m[1]!.startsWith('x') ? m[1]!.slice(1) : m[1]!, m[1]!.startsWith('x') ? 16 : 10)
      : NaN;
    if (Number.isFinite(code) && code > 0 && code <= 0x10ffff) return String.fromCodePoint(code);
    problems.push({ path, message: `unknown or invalid entity reference ${whole}` });
    return '';
  });
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/** Drops namespace prefixes and attributes (CAP has none besides xmlns) and makes every child an array. */
function normalize(value: unknown, path: string, problems: Problem[]): XmlNode {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return decodeEntities(String(value), path, problems);
  const out: { [name: string]: XmlNode[] } = {};
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (key.startsWith('@')) continue;
    const name = key === '#text' ? '#text' : localName(key);
    const list = Array.isArray(child) ? child : [child];
    out[name] = [...(out[name] ?? []), ...list.map((c, i) => normalize(c, `${path}/${name}[${i}]`, problems))];
  }
  return out;
}

/** Parses and checks the envelope; the returned tree is the `alert` element's content. */
export function parseCapXml(raw: string, maxBytes: number): XmlNode {
  if (Buffer.byteLength(raw, 'utf8') > maxBytes)
    throw new CapXmlError('the CAP message is too large', [{ path: '/', message: `larger than ${maxBytes} bytes` }]);
  // A DTD is never needed by CAP and is how entity expansion and external-entity attacks begin.
  if (/<!DOCTYPE|<!ENTITY/i.test(raw))
    throw new CapXmlError('DTDs and entity declarations are not accepted', [
      { path: '/', message: 'remove the <!DOCTYPE …> / <!ENTITY …> declaration' },
    ]);
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(raw, true) as Record<string, unknown>;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new CapXmlError('the CAP message is not well-formed XML', [{ path: '/', message }]);
  }
  const roots = Object.keys(doc).filter((k) => !k.startsWith('?') && !k.startsWith('#'));
  const rootName = roots[0];
  if (roots.length !== 1 || rootName === undefined || localName(rootName) !== 'alert')
    throw new CapXmlError('not a CAP alert', [{ path: '/', message: 'the root element must be <alert>' }]);
  const root = doc[rootName];
  const prefix = rootName.includes(':') ? rootName.slice(0, rootName.indexOf(':')) : '';
  const ns =
    typeof root === 'object' && root
      ? (root as Record<string, unknown>)[prefix ? `@xmlns:${prefix}` : '@xmlns']
      : undefined;
  if (ns !== CAP_NAMESPACE)
    throw new CapXmlError('not a CAP 1.2 alert', [
      {
        path: '/alert',
        message: `the namespace must be ${CAP_NAMESPACE} (found ${ns === undefined ? 'none' : String(ns)})`,
      },
    ]);
  const problems: Problem[] = [];
  const tree = normalize(root, '/alert', problems);
  if (problems.length) throw new CapXmlError('the CAP message has invalid characters', problems);
  return tree;
}

/** Children named `name` of an element (none for text). */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  return node === undefined || typeof node === 'string' ? [] : (node[name] ?? []);
}

/** Text of the first child named `name`, or undefined when absent or not a text element. */
export function text(node: XmlNode | undefined, name: string): string | undefined {
  const first = children(node, name)[0];
  return typeof first === 'string' ? first : undefined;
}

export function texts(node: XmlNode | undefined, name: string): string[] {
  return children(node, name).filter((c): c is string => typeof c === 'string');
}
