import { useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/http.js';
import { getItem, itemIdOf, type Job, type LibraryItem, requestTts, upload, waitForJob } from '../api/library.js';
import { t } from '../i18n.js';
import { ErrorNote } from './ui.js';

/** Follows a job to its library item, showing progress; shared by text-to-speech, uploads and recordings. */
export function useJobToItem() {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async (start: () => Promise<{ job: Job } | { item: LibraryItem }>): Promise<LibraryItem | null> => {
    setError(null);
    setJob(null);
    try {
      const first = await start();
      if ('item' in first) return first.item;
      const done = await waitForJob(first.job.id, setJob);
      const id = itemIdOf(done);
      if (done.state !== 'succeeded' || id === null)
        throw new ApiError(422, done.error?.code ?? 'unprocessable', done.error?.message ?? done.state);
      return (await getItem(id)).item;
    } catch (err) {
      setError(err);
      return null;
    }
  };
  return { job, error, run };
}

export function JobProgress({ job }: { job: Job | null }) {
  if (!job || job.state === 'succeeded') return null;
  return (
    <p role="status">
      {t(`job.${job.state}`)} <progress value={Math.round(job.progress * 100)} max={100} />
    </p>
  );
}

/** Preview of a library item: the audio is loaded only when the operator presses play. */
export function AudioPreview({ item }: { item: LibraryItem }) {
  return (
    <div class="audio-ready" data-testid="audio-ready" data-sha256={item.sha256}>
      <span>
        ✓ {t('media.ready')}: {item.title} ({Math.round(item.durationMs / 100) / 10} s)
      </span>
      {/* biome-ignore lint/a11y/useMediaCaption: spoken bulletins have their text beside them */}
      <audio controls preload="none" src={item.audioUrl} aria-label={t('media.preview', { title: item.title })} />
    </div>
  );
}

/** Text in, a library item of it read aloud out (the server's TTS job). */
export function TtsMaker({
  onReady,
  defaultTitle = '',
  askTitle = true,
}: {
  onReady: (item: LibraryItem) => void;
  defaultTitle?: string;
  /** In a bulletin the audio takes the bulletin's title, so the field is not asked again. */
  askTitle?: boolean;
}) {
  const [text, setText] = useState('');
  const [title, setTitle] = useState(defaultTitle);
  const [speed, setSpeed] = useState(1);
  const { job, error, run } = useJobToItem();
  const [busy, setBusy] = useState(false);
  const titleRef = useRef(defaultTitle);
  titleRef.current = title || defaultTitle;
  const go = async () => {
    setBusy(true);
    const item = await run(async () => ({
      job: await requestTts({ text, title: titleRef.current || text.slice(0, 60), speed }),
    }));
    setBusy(false);
    if (item) onReady(item);
  };
  return (
    <fieldset class="tts">
      <legend>{t('media.tts')}</legend>
      <label>
        {t('media.ttsText')}
        <textarea
          name="tts-text"
          rows={5}
          maxLength={20000}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </label>
      <div class="row wrap">
        {askTitle && (
          <label>
            {t('media.title')}
            <input
              name="tts-title"
              value={title}
              placeholder={defaultTitle}
              onInput={(e) => setTitle(e.currentTarget.value)}
            />
          </label>
        )}
        <label>
          {t('media.speed')}
          <select value={String(speed)} onChange={(e) => setSpeed(Number(e.currentTarget.value))}>
            {[0.8, 0.9, 1, 1.1, 1.2].map((v) => (
              <option key={v} value={String(v)}>
                {v}×
              </option>
            ))}
          </select>
        </label>
      </div>
      <button type="button" onClick={go} disabled={busy || !text.trim()} aria-busy={busy}>
        {t('media.makeAudio')}
      </button>
      <JobProgress job={job} />
      <ErrorNote error={error} />
    </fieldset>
  );
}

/** Records from the microphone (MediaRecorder, WebM/Opus), previews, then uploads as a recording. */
export function Recorder({ onReady }: { onReady: (item: LibraryItem) => void }) {
  const [rec, setRec] = useState<MediaRecorder | null>(null);
  const [blob, setBlob] = useState<Blob | null>(null);
  const [title, setTitle] = useState('');
  const [micError, setMicError] = useState<string | null>(null);
  const { job, error, run } = useJobToItem();
  const supported = typeof window !== 'undefined' && 'MediaRecorder' in window && !!navigator.mediaDevices;

  const start = async () => {
    setMicError(null);
    setBlob(null);
    try {
      // Speech for horn speakers: let the browser clean the voice up (issue: fragile browser audio).
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
      const r = new MediaRecorder(stream);
      const chunks: Blob[] = [];
      r.ondataavailable = (e) => chunks.push(e.data);
      r.onstop = () => {
        for (const tr of stream.getTracks()) tr.stop();
        setBlob(new Blob(chunks, { type: r.mimeType || 'audio/webm' }));
      };
      r.start();
      setRec(r);
    } catch (err) {
      setMicError(window.isSecureContext ? t('media.micDenied') : t('media.micInsecure'));
      void err;
    }
  };
  const stop = () => {
    rec?.stop();
    setRec(null);
  };
  const save = async () => {
    if (!blob) return;
    const item = await run(() =>
      upload(blob, 'ghi-am.webm', { title: title || t('media.recording'), kind: 'recording' }),
    );
    if (item) {
      setBlob(null);
      onReady(item);
    }
  };
  if (!supported) return <p class="muted">{t('media.noRecorder')}</p>;
  return (
    <fieldset>
      <legend>{t('media.record')}</legend>
      <div class="row wrap">
        {rec ? (
          <button type="button" class="contrast" onClick={stop}>
            ■ {t('media.stopRec')}
          </button>
        ) : (
          <button type="button" onClick={start}>
            ● {t('media.startRec')}
          </button>
        )}
        {rec && <span role="status">{t('media.recordingNow')}</span>}
      </div>
      {micError && (
        <p role="alert" class="note error">
          {micError}
        </p>
      )}
      {blob && (
        <>
          {/* biome-ignore lint/a11y/useMediaCaption: the operator's own recording, heard before saving */}
          <audio controls src={URL.createObjectURL(blob)} />
          <label>
            {t('media.title')}
            <input value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          </label>
          <button type="button" onClick={save}>
            {t('media.saveRec')}
          </button>
        </>
      )}
      <JobProgress job={job} />
      <ErrorNote error={error} />
    </fieldset>
  );
}
