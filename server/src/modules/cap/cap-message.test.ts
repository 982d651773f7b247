import { describe, expect, it } from 'vitest';
import { readCapMessage } from './cap-message.js';
import { sampleAlert } from './cap-sample.js';
import { CapXmlError, type Problem } from './cap-xml.js';

const MAX = 1024 * 1024;

function problemsOf(xml: string, max = MAX): { message: string; problems: Problem[] } {
  try {
    readCapMessage(xml, max);
  } catch (err) {
    if (err instanceof CapXmlError) return { message: err.message, problems: err.problems };
    throw err;
  }
  throw new Error('expected the message to be refused');
}

describe('CAP 1.2 parsing and validation', () => {
  it('reads a good alert with a Vietnamese and an English info block', () => {
    const xml = sampleAlert({
      infos: [
        { language: 'en-US', headline: 'Typhoon No. 3', expires: '2026-11-22T20:00:00+07:00' },
        { language: 'vi-VN', headline: 'Bão số 3 &amp; lũ', description: 'Gió c&#x1EA5;p 12' },
      ],
    });
    const m = readCapMessage(xml, MAX);
    expect(m).toMatchObject({ identifier: 'KTTV-2026-001', status: 'Actual', msgType: 'Alert', scope: 'Public' });
    expect(m.sentAt).toBe(Date.UTC(2026, 10, 22, 1, 0, 0));
    expect(m.infos).toHaveLength(2);
    expect(m.infos[0]!.expires).toBe(Date.UTC(2026, 10, 22, 13, 0, 0));
    expect(m.infos[1]!.headline).toBe('Bão số 3 & lũ');
    expect(m.infos[1]!.description).toBe('Gió cấp 12');
    expect(m.infos[1]!.areas[0]!.geocodes).toEqual([{ valueName: 'MaDonViHanhChinh', value: '19753' }]);
  });

  it('accepts a prefixed CAP namespace and keeps leading zeros in codes', () => {
    const xml = sampleAlert({
      infos: [
        {
          area: '<area><areaDesc>x</areaDesc><geocode><valueName>MaDonViHanhChinh</valueName><value>00004</value></geocode></area>',
        },
      ],
    })
      .replace(
        '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">',
        '<cap:alert xmlns:cap="urn:oasis:names:tc:emergency:cap:1.2">',
      )
      .replace('</alert>', '</cap:alert>');
    const m = readCapMessage(xml, MAX);
    expect(m.infos[0]!.areas[0]!.geocodes[0]!.value).toBe('00004');
  });

  it('refuses malformed XML with where it broke', () => {
    const r = problemsOf('<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</sender></alert>');
    expect(r.message).toMatch(/not well-formed/);
    expect(r.problems[0]!.message).toMatch(/closing tag/);
  });

  it('refuses a DTD, entity declarations and unknown entities (no XXE, no entity expansion)', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]>${sampleAlert()
      .replace(/^<\?xml[^>]*>/, '')
      .replace('KTTV-2026-001', '&x;')}`;
    expect(problemsOf(xxe).message).toMatch(/DTD/);
    const lol = '<!DOCTYPE a [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><alert/>';
    expect(problemsOf(lol).message).toMatch(/DTD/);
    const unknown = sampleAlert({ identifier: 'A&nbsp;B' });
    expect(problemsOf(unknown).problems[0]!.message).toMatch(/entity reference &nbsp;/);
  });

  it('refuses another root, another namespace, oversize and deep nesting', () => {
    expect(problemsOf('<feed/>').message).toMatch(/not a CAP alert/);
    expect(problemsOf(sampleAlert().replace('cap:1.2', 'cap:1.1')).problems[0]!.message).toMatch(/cap:1.2/);
    expect(problemsOf(sampleAlert(), 100).message).toMatch(/too large/);
    const deep = sampleAlert({ extra: `${'<x>'.repeat(40)}${'</x>'.repeat(40)}` });
    expect(problemsOf(deep).problems[0]!.message).toMatch(/nested/i);
  });

  it('lists every missing or wrong field at once, with paths', () => {
    const xml = sampleAlert({ status: 'Real', msgType: undefined, scope: 'Open', identifier: 'a b' })
      .replace('<msgType>Alert</msgType>', '')
      .replace('<urgency>Immediate</urgency>', '')
      .replace('<category>Met</category>', '<category>Weather</category>')
      .replace('<areaDesc>Xã Phú Vang</areaDesc>', '');
    const { problems } = problemsOf(xml);
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/alert/identifier',
        '/alert/status',
        '/alert/msgType',
        '/alert/scope',
        '/alert/info[0]/category[0]',
        '/alert/info[0]/urgency',
        '/alert/info[0]/area[0]/areaDesc',
      ]),
    );
    expect(problems.find((p) => p.path === '/alert/status')!.message).toMatch(/not one of Actual/);
  });

  it('requires info for Alert and references for Update and Cancel', () => {
    const noInfo = sampleAlert().replace(/<info>[\s\S]*<\/info>/, '');
    expect(problemsOf(noInfo).problems).toContainEqual({
      path: '/alert/info',
      message: 'is required for msgType Alert',
    });
    expect(problemsOf(sampleAlert({ msgType: 'Cancel' })).problems[0]!.path).toBe('/alert/references');
    const badRef = sampleAlert({ msgType: 'Update', references: 'kttv,ID-1' });
    expect(problemsOf(badRef).problems[0]!.message).toMatch(/triple/);
    const ok = readCapMessage(
      sampleAlert({
        msgType: 'Update',
        references: 'a@b,ID-1,2026-11-22T07:00:00+07:00 a@b,ID-2,2026-11-22T07:30:00+07:00',
      }),
      MAX,
    );
    expect(ok.references.map((r) => r.identifier)).toEqual(['ID-1', 'ID-2']);
    expect(ok.references[0]!.sentAt).toBe(Date.UTC(2026, 10, 22, 0, 0, 0));
  });

  it('refuses dates without an offset, with Z, or that do not exist', () => {
    for (const sent of ['2026-11-22T08:00:00', '2026-11-22T01:00:00Z', '2026-02-31T08:00:00+07:00', '22/11/2026']) {
      const { problems } = problemsOf(sampleAlert({ sent }));
      expect(problems[0]!.path, sent).toBe('/alert/sent');
    }
    expect(problemsOf(sampleAlert({ sent: '2026-11-22T01:00:00Z' })).problems[0]!.message).toMatch(/forbids "Z"/);
    const badExpiry = problemsOf(sampleAlert({ infos: [{ expires: 'tomorrow' }] }));
    expect(badExpiry.problems[0]!.path).toBe('/alert/info[0]/expires');
  });

  it('refuses bad polygons and circles and reads good ones', () => {
    const area = (shape: string) => `<area><areaDesc>Vùng</areaDesc>${shape}</area>`;
    const open = problemsOf(sampleAlert({ infos: [{ area: area('<polygon>16,107 16,108 17,108 17,107</polygon>') }] }));
    expect(open.problems[0]!.message).toMatch(/not closed/);
    const short = problemsOf(sampleAlert({ infos: [{ area: area('<polygon>16,107 16,108 16,107</polygon>') }] }));
    expect(short.problems[0]!.message).toMatch(/at least 4 points/);
    const range = problemsOf(
      sampleAlert({ infos: [{ area: area('<polygon>16,107 16,208 17,108 16,107</polygon>') }] }),
    );
    expect(range.problems[0]!.message).toMatch(/longitude 208/);
    const circle = problemsOf(sampleAlert({ infos: [{ area: area('<circle>16.4,107.5</circle>') }] }));
    expect(circle.problems[0]!.path).toBe('/alert/info[0]/area[0]/circle[0]');
    const good = readCapMessage(
      sampleAlert({
        infos: [{ area: area('<polygon>16,107 16,108 17,108 16,107</polygon><circle>16.46,107.59 2.5</circle>') }],
      }),
      MAX,
    );
    expect(good.infos[0]!.areas[0]!.polygons[0]).toHaveLength(4);
    expect(good.infos[0]!.areas[0]!.circles[0]).toEqual({ centre: { lat: 16.46, lon: 107.59 }, radiusKm: 2.5 });
  });

  it('checks resource digests are hex of SHA-1 or SHA-256 length', () => {
    const res = (digest: string) =>
      `<resource><resourceDesc>Bản tin</resourceDesc><mimeType>audio/mpeg</mimeType><uri>http://x/a.mp3</uri><digest>${digest}</digest></resource>`;
    expect(problemsOf(sampleAlert({ infos: [{ extra: res('abc') }] })).problems[0]!.path).toBe(
      '/alert/info[0]/resource[0]/digest',
    );
    const m = readCapMessage(sampleAlert({ infos: [{ extra: res('A'.repeat(40)) }] }), MAX);
    expect(m.infos[0]!.resources[0]).toMatchObject({ mimeType: 'audio/mpeg', digest: 'a'.repeat(40) });
  });
});
