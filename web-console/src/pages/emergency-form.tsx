import { useState } from 'preact/hooks';
import { listGroups } from '../api/devices.js';
import { type EmergencyStart, startEmergency } from '../api/emergencies.js';
import { listLibrary } from '../api/library.js';
import { listLiveMounts } from '../api/live.js';
import { ErrorNote } from '../components/ui.js';
import { PlainError } from '../errors.js';
import { t } from '../i18n.js';
import { type MicSession, startMic } from '../mic.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';

const selected = (e: Event) => [...(e.currentTarget as HTMLSelectElement).selectedOptions].map((o) => o.value);

/**
 * Start an emergency: targets are units (their whole subtree) and receiver groups (zones), the source is
 * an audio item of the library played `repeat` times while it is valid, a live mount, a stream, or the
 * operator's own microphone ("speak now": a mic mount of the operator's unit, relayed as the source).
 */
export function EmergencyForm({ onStarted }: { onStarted: (id: string, mic: MicSession | null) => void }) {
  const s = useSession();
  const library = useAsync(() => listLibrary(), []);
  const groups = useAsync(() => listGroups().catch(() => []), []);
  const [title, setTitle] = useState('');
  const mounts = useAsync(() => (s.can('live.read') ? listLiveMounts().catch(() => []) : Promise.resolve([])), []);
  const [kind, setKind] = useState<EmergencyStart['source']['kind'] | 'mic'>('media');
  const [sha, setSha] = useState('');
  const [mountId, setMountId] = useState('');
  const [url, setUrl] = useState('');
  const [units, setUnits] = useState<string[]>(s.unit ? [s.unit.code] : []);
  const [groupIds, setGroupIds] = useState<number[]>([]);
  const [repeat, setRepeat] = useState(2);
  const [minutes, setMinutes] = useState(30);
  const [volume, setVolume] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const start = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (units.length === 0 && groupIds.length === 0) return setError(new PlainError(t('emg.noTargets')));
    if (!confirm(t('emg.confirm', { title }))) return;
    setBusy(true);
    let mic: MicSession | null = null;
    try {
      if (kind === 'mic') mic = await startMic(s.unit?.code ?? units[0] ?? '', title);
      const source: EmergencyStart['source'] =
        kind === 'media'
          ? { kind, sha256: sha }
          : kind === 'live'
            ? { kind, mountId }
            : kind === 'mic'
              ? { kind: 'live', mountId: mic?.mountId ?? '' }
              : { kind, url };
      const r = await startEmergency({
        title,
        targets: { units, devices: [], groups: groupIds },
        source,
        repeat: kind === 'mic' ? 1 : repeat,
        ...(volume !== null ? { volume } : {}),
        validForS: Math.round(minutes * 60),
      });
      onStarted(r.emergency.id, mic);
    } catch (err) {
      await mic?.stop();
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={start}>
      <label>
        {t('emg.title')}
        <input name="title" required maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      </label>
      <label>
        {t('emg.source')}
        <select name="source" value={kind} onChange={(e) => setKind(e.currentTarget.value as typeof kind)}>
          <option value="media">{t('emg.source.media')}</option>
          <option value="live">{t('emg.source.live')}</option>
          <option value="stream">{t('emg.source.stream')}</option>
          {s.can('live.broadcast') && <option value="mic">{t('mic.title')}</option>}
        </select>
      </label>
      {kind === 'mic' && <p class="muted">{t('mic.hint')}</p>}
      {kind === 'media' && (
        <label>
          {t('emg.audio')}
          <select name="audio" required value={sha} onChange={(e) => setSha(e.currentTarget.value)}>
            <option value="">{t('ui.choose')}</option>
            {library.data?.map((i) => (
              <option key={i.id} value={i.sha256}>
                {i.title}
              </option>
            ))}
          </select>
        </label>
      )}
      {kind === 'live' && (
        <label>
          {t('emg.mount')}
          <select name="mount" required value={mountId} onChange={(e) => setMountId(e.currentTarget.value)}>
            <option value="">{t('ui.choose')}</option>
            {(mounts.data ?? [])
              .filter((m) => m.state !== 'ended')
              .map((m) => (
                <option key={m.id} value={m.id}>
                  {m.title} ({s.unitName(m.unitId)})
                </option>
              ))}
          </select>
          <small>{t('emg.mountHint')}</small>
        </label>
      )}
      {kind === 'stream' && (
        <label>
          {t('emg.url')}
          <input
            name="url"
            type="url"
            required
            placeholder="https://"
            value={url}
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </label>
      )}
      <div class="row wrap">
        <label>
          {t('sch.target')}
          <select name="units" multiple size={Math.min(6, s.units.length)} onChange={(e) => setUnits(selected(e))}>
            {s.units.map((u) => (
              <option key={u.id} value={u.code} selected={units.includes(u.code)}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        {(groups.data ?? []).length > 0 && (
          <label>
            {t('emg.groups')}
            <select name="groups" multiple onChange={(e) => setGroupIds(selected(e).map(Number))}>
              {groups.data?.map((g) => (
                <option key={g.id} value={String(g.id)} selected={groupIds.includes(g.id)}>
                  {g.name} ({g.deviceCount})
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <div class="row wrap">
        <label>
          {t('emg.repeat')}
          <input
            type="number"
            min={1}
            max={20}
            required
            value={repeat}
            onInput={(e) => setRepeat(Number(e.currentTarget.value))}
          />
        </label>
        <label>
          {t('emg.expires')}
          <input
            type="number"
            min={1}
            max={1440}
            required
            value={minutes}
            onInput={(e) => setMinutes(Number(e.currentTarget.value))}
          />
        </label>
        <label>
          {t('emg.volume')}
          <input
            type="number"
            min={0}
            max={100}
            placeholder={t('emg.volumeDefault')}
            value={volume ?? ''}
            onInput={(e) => setVolume(e.currentTarget.value === '' ? null : Number(e.currentTarget.value))}
          />
        </label>
      </div>
      <ErrorNote error={error} />
      <button type="submit" class="contrast" disabled={busy} aria-busy={busy}>
        {kind === 'mic' ? (busy ? t('mic.starting') : t('mic.speak')) : t('emg.start')}
      </button>
    </form>
  );
}
