/**
 * A CAP 1.2 message checked field by field: every problem is collected (with its path) so a sender
 * fixes everything in one round, then refused at once as a whole.
 */
import {
  CATEGORIES,
  type CapMsgType,
  type CapReference,
  type CapStatus,
  CERTAINTIES,
  checkEnum,
  checkIdToken,
  MSG_TYPES,
  parseCapDateTime,
  parseReferences,
  SCOPES,
  SEVERITIES,
  STATUSES,
  URGENCIES,
} from './cap-fields.js';
import { type Circle, type LatLon, parseCircle, parsePolygon } from './cap-geo.js';
import { CapXmlError, children, type Problem, parseCapXml, text, texts, type XmlNode } from './cap-xml.js';

export interface CapResource {
  resourceDesc: string;
  mimeType: string;
  size?: number;
  uri?: string;
  derefUri?: string;
  digest?: string;
}

export interface CapArea {
  areaDesc: string;
  polygons: LatLon[][];
  circles: Circle[];
  geocodes: Array<{ valueName: string; value: string }>;
}

export interface CapInfo {
  language: string;
  categories: string[];
  event: string;
  urgency: string;
  severity: string;
  certainty: string;
  headline?: string;
  description?: string;
  instruction?: string;
  expires?: number;
  resources: CapResource[];
  areas: CapArea[];
}

export interface CapMessage {
  identifier: string;
  sender: string;
  sent: string;
  sentAt: number;
  status: CapStatus;
  msgType: CapMsgType;
  scope: string;
  references: CapReference[];
  infos: CapInfo[];
}

type Ctx = { problems: Problem[] };

function required(node: XmlNode, name: string, path: string, ctx: Ctx): string {
  const v = text(node, name);
  if (v === undefined || v === '') ctx.problems.push({ path: `${path}/${name}`, message: 'is required' });
  return v ?? '';
}

function optional(node: XmlNode, name: string): string | undefined {
  const v = text(node, name);
  return v === '' ? undefined : v;
}

function dateTime(value: string | undefined, path: string, ctx: Ctx): number | undefined {
  if (value === undefined) return undefined;
  const r = parseCapDateTime(value);
  if (r.ok) return r.at;
  ctx.problems.push({ path, message: r.message });
  return undefined;
}

function resourceOf(node: XmlNode, path: string, ctx: Ctx): CapResource {
  const r: CapResource = {
    resourceDesc: required(node, 'resourceDesc', path, ctx),
    mimeType: required(node, 'mimeType', path, ctx),
  };
  const size = optional(node, 'size');
  if (size !== undefined) {
    if (/^\d{1,12}$/.test(size)) r.size = Number(size);
    else ctx.problems.push({ path: `${path}/size`, message: `"${size}" is not a size in bytes` });
  }
  const uri = optional(node, 'uri');
  if (uri !== undefined) r.uri = uri;
  const deref = optional(node, 'derefUri');
  if (deref !== undefined) r.derefUri = deref;
  const digest = optional(node, 'digest');
  if (digest !== undefined) {
    if (/^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(digest)) r.digest = digest.toLowerCase();
    else ctx.problems.push({ path: `${path}/digest`, message: 'must be a SHA-1 (40 hex) or SHA-256 (64 hex) digest' });
  }
  return r;
}

function areaOf(node: XmlNode, path: string, ctx: Ctx): CapArea {
  const area: CapArea = { areaDesc: required(node, 'areaDesc', path, ctx), polygons: [], circles: [], geocodes: [] };
  texts(node, 'polygon').forEach((p, i) => {
    const r = parsePolygon(p);
    if (r.ok) area.polygons.push(r.value);
    else ctx.problems.push({ path: `${path}/polygon[${i}]`, message: r.message });
  });
  texts(node, 'circle').forEach((c, i) => {
    const r = parseCircle(c);
    if (r.ok) area.circles.push(r.value);
    else ctx.problems.push({ path: `${path}/circle[${i}]`, message: r.message });
  });
  children(node, 'geocode').forEach((g, i) => {
    const p = `${path}/geocode[${i}]`;
    area.geocodes.push({ valueName: required(g, 'valueName', p, ctx), value: required(g, 'value', p, ctx) });
  });
  return area;
}

function infoOf(node: XmlNode, path: string, ctx: Ctx): CapInfo {
  const categories = texts(node, 'category');
  if (!categories.length) ctx.problems.push({ path: `${path}/category`, message: 'is required' });
  categories.forEach((c, i) => {
    checkEnum(c, CATEGORIES, `${path}/category[${i}]`, ctx.problems);
  });
  const info: CapInfo = {
    language: optional(node, 'language') ?? 'en-US',
    categories,
    event: required(node, 'event', path, ctx),
    urgency: checkEnum(text(node, 'urgency'), URGENCIES, `${path}/urgency`, ctx.problems) ?? '',
    severity: checkEnum(text(node, 'severity'), SEVERITIES, `${path}/severity`, ctx.problems) ?? '',
    certainty: checkEnum(text(node, 'certainty'), CERTAINTIES, `${path}/certainty`, ctx.problems) ?? '',
    resources: children(node, 'resource').map((r, i) => resourceOf(r, `${path}/resource[${i}]`, ctx)),
    areas: children(node, 'area').map((a, i) => areaOf(a, `${path}/area[${i}]`, ctx)),
  };
  for (const k of ['headline', 'description', 'instruction'] as const) {
    const v = optional(node, k);
    if (v !== undefined) info[k] = v;
  }
  for (const k of ['effective', 'onset'] as const) dateTime(optional(node, k), `${path}/${k}`, ctx);
  const expires = dateTime(optional(node, 'expires'), `${path}/expires`, ctx);
  if (expires !== undefined) info.expires = expires;
  return info;
}

/** Parses and validates; throws CapXmlError listing every problem. */
export function readCapMessage(raw: string, maxBytes: number): CapMessage {
  const root = parseCapXml(raw, maxBytes);
  const ctx: Ctx = { problems: [] };
  const identifier = required(root, 'identifier', '/alert', ctx);
  if (identifier) checkIdToken(identifier, '/alert/identifier', ctx.problems);
  const sender = required(root, 'sender', '/alert', ctx);
  if (sender) checkIdToken(sender, '/alert/sender', ctx.problems);
  const sent = required(root, 'sent', '/alert', ctx);
  const sentAt = sent ? dateTime(sent, '/alert/sent', ctx) : undefined;
  const status = checkEnum(text(root, 'status'), STATUSES, '/alert/status', ctx.problems);
  const msgType = checkEnum(text(root, 'msgType'), MSG_TYPES, '/alert/msgType', ctx.problems);
  const scope = checkEnum(text(root, 'scope'), SCOPES, '/alert/scope', ctx.problems);
  if (scope === 'Restricted' && !optional(root, 'restriction'))
    ctx.problems.push({ path: '/alert/restriction', message: 'is required when scope is Restricted' });
  if (scope === 'Private' && !optional(root, 'addresses'))
    ctx.problems.push({ path: '/alert/addresses', message: 'is required when scope is Private' });
  const refText = optional(root, 'references');
  const references = refText ? parseReferences(refText, '/alert/references', ctx.problems) : [];
  if ((msgType === 'Update' || msgType === 'Cancel') && !refText)
    ctx.problems.push({ path: '/alert/references', message: `is required for msgType ${msgType}` });
  const infos = children(root, 'info').map((n, i) => infoOf(n, `/alert/info[${i}]`, ctx));
  if ((msgType === 'Alert' || msgType === 'Update') && !infos.length)
    ctx.problems.push({ path: '/alert/info', message: `is required for msgType ${msgType}` });
  if (ctx.problems.length || !status || !msgType || !scope || sentAt === undefined)
    throw new CapXmlError('the CAP message is not valid', ctx.problems);
  return { identifier, sender, sent, sentAt, status, msgType, scope, references, infos };
}
