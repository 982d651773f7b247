import { useState } from 'preact/hooks';
import { deleteItem, type LibraryItem, listLibrary, upload } from '../api/library.js';
import { DataTable } from '../components/data-table.js';
import { AudioPreview, JobProgress, Recorder, TtsMaker, useJobToItem } from '../components/tts-maker.js';
import { ErrorNote, Notice, Page } from '../components/ui.js';
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
      <DataTable
        rows={items.data}
        loading={items.loading}
        rowKey={(i) => i.id}
        columns={[
          { head: t('media.title'), cell: (i) => i.title },
          { head: t('media.kind'), cell: (i) => t(`kind.${i.kind}`) },
          { head: t('media.length'), cell: (i) => duration(i.durationMs) },
          { head: t('recv.unit'), cell: (i) => s.unitName(i.unitId) },
          { head: t('media.added'), cell: (i) => vnTime(i.createdAt) },
          {
            head: t('media.listen'),
            cell: (i) => (
              // biome-ignore lint/a11y/useMediaCaption: library audio; its title is in the row
              <audio controls preload="none" src={i.audioUrl} aria-label={t('media.preview', { title: i.title })} />
            ),
          },
          {
            head: t('ui.actions'),
            when: mayWrite,
            cell: (i) => (
              <button type="button" class="secondary outline small" onClick={() => remove(i)}>
                {t('ui.delete')}
              </button>
            ),
          },
        ]}
      />
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
