/**
 * The worker thread that runs eSpeak NG. It is JavaScript in a string, started with `eval: true`,
 * because the server runs from TypeScript sources under tsx, under vitest, and from compiled dist/: a
 * worker *file* would need a TypeScript loader in two of those three, and an eval worker needs none.
 * It stays small and dumb: run eSpeak with the given argv and input, hand back stdout and the output file.
 *
 * Why a worker at all: the WebAssembly program runs its whole synthesis synchronously inside
 * instantiation (it is the CLI's main()): about 0.1 s per sentence including start-up, 0.3 s for a whole
 * 2,000-character bulletin in one call on the development machine, more on a Raspberry Pi class CPU. On the
 * main thread that would stall HTTP, MQTT keep-alives and schedule timers for as long.
 *
 * Each job gets a fresh WebAssembly instance (the CLI keeps global state and exits after one run), but
 * the compiled module is kept, so only instantiation and eSpeak's own start-up are paid per job.
 *
 * Messages in:  { id, args: string[], input?: string, inputPath?: string, outputPath?: string }
 * Messages out: { id, ok: true, stdout: string[], output?: Uint8Array } | { id, ok: false, message }
 */
export const ESPEAK_WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { pathToFileURL } = require('node:url');
const path = require('node:path');

// Emscripten's in-memory file system builds an Error (with a captured stack) for every failed lookup
// while it unpacks the 445 embedded eSpeak data files into each new instance; without stack capture
// that start-up is noticeably cheaper. This thread runs nothing else, so no useful stack is lost.
Error.stackTraceLimit = 0;

const ready = (async () => {
  const mod = await import(pathToFileURL(workerData.modulePath).href);
  const wasmPath = path.join(path.dirname(workerData.modulePath), 'espeak-ng.wasm');
  const compiled = await WebAssembly.compile(readFileSync(wasmPath));
  return { factory: mod.default, compiled };
})();

async function runEspeak(job) {
  const { factory, compiled } = await ready;
  const stdout = [];
  const stderr = [];
  let status = 0;
  let instance;
  await new Promise((resolve, reject) => {
    factory({
      arguments: job.args,
      print: (line) => stdout.push(line),
      printErr: (line) => stderr.push(line),
      // Emscripten's default sets process.exitCode; the CLI's exit status is this job's business only.
      quit: (code, toThrow) => { status = code; throw toThrow; },
      preRun: [(m) => { instance = m; if (job.input !== undefined) m.FS.writeFile(job.inputPath, job.input); }],
      // Reuse the compiled module; main() runs synchronously inside receive(), so resolve after it.
      instantiateWasm: (imports, receive) => {
        WebAssembly.instantiate(compiled, imports).then((wasm) => { receive(wasm); resolve(); }).catch(reject);
        return {};
      },
    }).catch(reject);
  });
  const errors = stderr.filter((line) => !line.startsWith('program exited'));
  if (status !== 0) throw new Error(errors.join('; ') || 'espeak-ng exited with status ' + status);
  const output = job.outputPath ? instance.FS.readFile(job.outputPath) : undefined;
  return { stdout, output };
}

parentPort.on('message', (job) => {
  runEspeak(job).then(
    ({ stdout, output }) => parentPort.postMessage({ id: job.id, ok: true, stdout, output }, output ? [output.buffer] : []),
    (err) => parentPort.postMessage({ id: job.id, ok: false, message: String(err && err.message ? err.message : err) }),
  );
});
`;
