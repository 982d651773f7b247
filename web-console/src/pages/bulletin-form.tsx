import { BULLETIN_FIELDS, type PriorityCode } from '@nguon/schemas';
import { useState } from 'preact/hooks';
import { createBulletin, transition } from '../api/bulletins.js';
import { type LibraryItem, listLibrary } from '../api/library.js';
import { AudioPreview, TtsMaker } from '../components/tts-maker.js';
import { ErrorNote, Page } from '../components/ui.js';
import { duration, t } from '../i18n.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';

/** A new bulletin: metadata, then its audio typed as text (read aloud by TTS) or picked from the library. */
export function NewBulletin() {
  const s = useSession();
  const library = useAsync(() => listLibrary(), []);
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const [author, setAuthor] = useState(s.user.displayName);
  const [field, setField] = useState<number>(BULLETIN_FIELDS.general);
  const [priority, setPriority] = useState<PriorityCode>(3);
  const [items, setItems] = useState<LibraryItem[]>([]);
  const [pick, setPick] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const add = (item: LibraryItem) => setItems((xs) => (xs.some((x) => x.id === item.id) ? xs : [...xs, item]));
  const save = async (submit: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const input = {
        title,
        summary,
        author,
        field,
        priority,
        items: items.map((i) => ({ sha256: i.sha256, title: i.title })),
      };
      const { bulletin } = await createBulletin(input);
      if (submit) await transition(bulletin.id, 'submit');
      navigate(`/bulletins/${bulletin.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('bull.new')}>
      <form onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('bull.title')}
          <input name="title" required maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        </label>
        <label>
          {t('bull.summary')}
          <textarea name="summary" rows={2} value={summary} onInput={(e) => setSummary(e.currentTarget.value)} />
        </label>
        <div class="row wrap">
          <label>
            {t('bull.author')}
            <input value={author} onInput={(e) => setAuthor(e.currentTarget.value)} />
          </label>
          <label>
            {t('bull.field')}
            <select value={String(field)} onChange={(e) => setField(Number(e.currentTarget.value))}>
              {[1, 2, 3, 4, 5, 6].map((f) => (
                <option key={f} value={String(f)}>
                  {t(`field.${f as 1}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('bull.priority')}
            <select
              value={String(priority)}
              onChange={(e) => setPriority(Number(e.currentTarget.value) as PriorityCode)}
            >
              <option value="3">{t('prio.3')}</option>
              <option value="2">{t('prio.2')}</option>
              {s.can('bulletins.emergency') && <option value="1">{t('prio.1')}</option>}
            </select>
          </label>
        </div>
        <TtsMaker onReady={add} defaultTitle={title} askTitle={false} />
        <fieldset>
          <legend>{t('bull.fromLibrary')}</legend>
          <div class="row wrap">
            <select aria-label={t('bull.fromLibrary')} value={pick} onChange={(e) => setPick(e.currentTarget.value)}>
              <option value="">{t('ui.choose')}</option>
              {library.data?.map((i) => (
                <option key={i.id} value={String(i.id)}>
                  {i.title} ({duration(i.durationMs)})
                </option>
              ))}
            </select>
            <button
              type="button"
              class="secondary"
              disabled={!pick}
              onClick={() => {
                const item = library.data?.find((i) => String(i.id) === pick);
                if (item) add(item);
                setPick('');
              }}
            >
              {t('bull.addItem')}
            </button>
          </div>
        </fieldset>
        <h2>{t('bull.items')}</h2>
        {items.length === 0 ? (
          <p class="muted">{t('bull.noItems')}</p>
        ) : (
          <ol>
            {items.map((i) => (
              <li key={i.id}>
                <AudioPreview item={i} />
                <button
                  type="button"
                  class="secondary outline small"
                  onClick={() => setItems(items.filter((x) => x !== i))}
                >
                  {t('ui.remove')}
                </button>
              </li>
            ))}
          </ol>
        )}
        <ErrorNote error={error} />
        <div class="row wrap">
          <button type="button" class="secondary" disabled={busy} onClick={() => save(false)}>
            {t('bull.saveDraft')}
          </button>
          <button type="button" disabled={busy} aria-busy={busy} onClick={() => save(true)}>
            {t('bull.saveSubmit')}
          </button>
        </div>
      </form>
    </Page>
  );
}
