import { DEMO_TREE } from '../units/demo-data.js';
import type { UnitsService } from '../units/units.service.js';
import type { DevicesService } from './devices.service.js';

// Around Huế, where the demo province is, so a map shows the receivers where they belong.
const CENTRE = { lat: 16.4637, lon: 107.5909 };

/**
 * Makes sure `count` demo receivers exist in the demo communes and returns fresh credentials for each
 * (their secrets are rotated on every start, since only hashes are stored).
 */
export function provisionDemoReceivers(
  deps: { devices: DevicesService; units: UnitsService },
  count: number,
): Array<{ deviceId: string; secret: string; name: string }> {
  const communes = DEMO_TREE.communes.map((c) => deps.units.byCode(c.code)).filter((u) => u !== undefined);
  if (communes.length === 0) throw new Error('demo receivers need the demo province (NGUON_DEMO=true)');
  return Array.from({ length: count }, (_, i) => {
    const hardwareId = `demo-${String(i + 1).padStart(4, '0')}`;
    const existing = deps.devices.byHardwareId(hardwareId);
    if (existing) return { deviceId: existing.id, secret: deps.devices.rotateSecret(existing.id), name: existing.name };
    const commune = communes[i % communes.length]!;
    const angle = (i * 2.399963) % (2 * Math.PI); // golden-angle spiral: spread without overlaps
    const r = 0.02 + 0.004 * Math.sqrt(i);
    const { device, secret } = deps.devices.register({
      unitId: commune.id,
      name: `Cụm loa mẫu ${i + 1} — ${commune.name}`,
      hardwareId,
      lat: CENTRE.lat + r * Math.sin(angle),
      lon: CENTRE.lon + r * Math.cos(angle),
    });
    return { deviceId: device.id, secret, name: device.name };
  });
}
