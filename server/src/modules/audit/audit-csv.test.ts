import { describe, expect, it } from 'vitest';
import { type AuditRow, auditToCsv } from './audit.service.js';

const row = (over: Partial<AuditRow>): AuditRow => ({
  id: 1,
  at: Date.UTC(2026, 10, 21, 3, 0, 0),
  actorUserId: 7,
  actorName: 'admin',
  actorRole: 'admin',
  actorUnitId: 1,
  actorDeviceId: null,
  action: 'devices.write: POST /api/v1/devices',
  method: 'POST',
  route: '/api/v1/devices',
  targetType: 'device',
  targetId: 'r1',
  targetUnitId: 2,
  outcome: 'ok',
  statusCode: 201,
  errorCode: null,
  sourceIp: '127.0.0.1',
  requestId: 'req',
  details: null,
  ...over,
});

describe('auditToCsv', () => {
  it('writes an ISO UTC time, RFC 4180 quoting and a BOM', () => {
    const csv = auditToCsv([row({ actorName: 'Nguyễn, "Văn" A' })]);
    expect(csv.startsWith('\uFEFFtime_utc,id,')).toBe(true);
    const line = csv.split('\r\n')[1]!;
    expect(line.startsWith('2026-11-21T03:00:00.000Z,1,')).toBe(true);
    expect(line).toContain('"Nguyễn, ""Văn"" A"');
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    const line = auditToCsv([row({ targetId: '=HYPERLINK("http://x")', actorName: '+1', route: '@SUM(A1)' })]).split(
      '\r\n',
    )[1]!;
    expect(line).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(line).toContain(",'+1,");
    expect(line).toContain(",'@SUM(A1),");
  });

  it('leaves empty cells for nulls and ends with CRLF', () => {
    const csv = auditToCsv([row({ errorCode: null, actorDeviceId: null })]);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')[1]).toContain(',,');
  });
});
