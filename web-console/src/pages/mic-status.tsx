import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n.js';
import type { MicSession } from '../mic.js';
import { useInterval } from '../use-async.js';

/** "On air" while the operator's microphone feeds the emergency, with what was sent; or that it was lost. */
export function MicStatus({ mic }: { mic: MicSession }) {
  const [bytes, setBytes] = useState(mic.bytesSent());
  const [lost, setLost] = useState(false);
  useEffect(() => mic.onLost(() => setLost(true)), [mic]);
  useInterval(() => setBytes(mic.bytesSent()), 1000);
  if (lost)
    return (
      <div class="note error" role="alert">
        <p>{t('mic.lost')}</p>
      </div>
    );
  return (
    <p class="mic-live" role="status" data-testid="mic-status">
      <span class="badge bad">● {t('mic.onAir')}</span>
      <span class="muted">{t('mic.sent', { kb: Math.round(bytes / 1024) })}</span>
    </p>
  );
}
