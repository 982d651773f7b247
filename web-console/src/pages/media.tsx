import { useState } from 'preact/hooks';
import { deleteItem, type LibraryItem, listLibrary, upload } from '../api/library.js';
import { AudioPreview, JobProgress, Recorder, TtsMaker, useJobToItem } from '../components/tts-maker.js';
import { ErrorNote, Loading, Notice, Page } from '../components/ui.js';
import { duration, t, vnTime } from '../i18n.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';

export function MediaPage() {
  const s = useSession();
  const items = useAsync(() => listLibrary(), []);
  const [last, setLast] = useState<LibraryItem | null>(null);
  const [error, setError] = useState<unknown>(null);
  const ready = (item: LibraryItem) => {
    setLast(item);
    items.reload();
  };
  const remove = async (item: LibraryItem) => {
    if (!confirm(t('media.confirmDelete', { title: item.title }))) return;
    try {
      await deleteItem(item.id);
      items.reload();
    } catch (err) {
      setError(err);
    }
  };
  const mayWrite = s.can('media.write');
  return (
    <Page title={t('nav.media')}>
      {mayWrite && (
        <div class="grid-3">
          <UploadForm onReady={ready} />
          <Recorder onReady={ready} />
          <TtsMaker onReady={ready} />
        </div>
      )}
      {last && (
        <Notice>
          <AudioPreview item={last} />
        </Notice>
      )}
      <ErrorNote error={error ?? items.error} />
      <h2>{t('media.library')}</h2>
      {items.loading && !items.data ? (
        <Loading />
      ) : (
        <div class="table-wrap">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">{t('media.title')}</th>
                <th scope="col">{t('media.kind')}</th>
                <th scope="col">{t('media.length')}</th>
                <th scope="col">{t('recv.unit')}</th>
                <th scope="col">{t('media.added')}</th>
                <th scope="col">{t('media.listen')}</th>
                {mayWrite && <th scope="col">{t('ui.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {(items.data ?? []).map((i) => (
                <tr key={i.id}>
                  <td>{i.title}</td>
                  <td>{t(`kind.${i.kind}`)}</td>
                  <td>{duration(i.durationMs)}</td>
                  <td>{s.unitName(i.unitId)}</td>
                  <td>{vnTime(i.createdAt)}</td>
                  <td>
                    {/* biome-ignore lint/a11y/useMediaCaption: library audio; its title is in the row */}
                    <audio
                      controls
                      preload="none"
                      src={i.audioUrl}
                      aria-label={t('media.preview', { title: i.title })}
                    />
                  </td>
                  {mayWrite && (
                    <td>
                      <button type="button" class="secondary outline small" onClick={() => remove(i)}>
                        {t('ui.delete')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}

function UploadForm({ onReady }: { onReady: (item: LibraryItem) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const { job, error, run } = useJobToItem();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    const item = await run(() => upload(file, file.name, { ...(title ? { title } : {}), kind: 'upload' }));
    setBusy(false);
    if (item) onReady(item);
  };
  return (
    <form onSubmit={submit}>
      <fieldset>
        <legend>{t('media.upload')}</legend>
        <label>
          {t('media.file')}
          <input
            type="file"
            accept="audio/*,.amr,.opus"
            required
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
        </label>
        <label>
          {t('media.title')}
          <input value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={!file || busy} aria-busy={busy}>
          {t('media.send')}
        </button>
        <JobProgress job={job} />
        <ErrorNote error={error} />
      </fieldset>
    </form>
  );
}
