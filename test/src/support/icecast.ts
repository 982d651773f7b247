/**
 * A real Icecast (Debian's icecast2) as a child process on a free port, for the scale-out test and the
 * stream-listeners benchmark. Icecast refuses to run as root unless told which user to become, so as
 * root the config names nobody/nogroup and the log folder is left writable for it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ICECAST_BIN = process.env.NGUON_ICECAST_BIN ?? '/usr/bin/icecast2';
export const icecastInstalled = () => existsSync(ICECAST_BIN);

export interface RunningIcecast {
  port: number;
  /** Listeners' base URL. */
  url: string;
  /** Source URL with credentials, as NGUON_ICECAST_URL takes it. */
  sourceUrl: string;
  pid: number;
  child: ChildProcess;
  /** The mounts Icecast has now, from its status page. */
  mounts(): Promise<Array<{ mount: string; listeners: number }>>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

function config(o: { port: number; dir: string; password: string; clients: number; burstBytes: number }) {
  const asRoot = process.getuid?.() === 0;
  return `<icecast>
  <location>test</location><admin>test@localhost</admin>
  <limits>
    <clients>${o.clients}</clients><sources>16</sources>
    <queue-size>524288</queue-size><client-timeout>30</client-timeout>
    <header-timeout>15</header-timeout><source-timeout>10</source-timeout>
    <burst-on-connect>1</burst-on-connect><burst-size>${o.burstBytes}</burst-size>
  </limits>
  <authentication>
    <source-password>${o.password}</source-password>
    <relay-password>${o.password}</relay-password>
    <admin-user>admin</admin-user><admin-password>${o.password}</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>${o.port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>1</fileserve>
  <paths>
    <basedir>/usr/share/icecast2</basedir>
    <logdir>${o.dir}</logdir>
    <webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot>
  </paths>
  <logging>
    <accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>2</loglevel>
  </logging>
  <security>
    <chroot>0</chroot>
    ${asRoot ? '<changeowner><user>nobody</user><group>nogroup</group></changeowner>' : ''}
  </security>
</icecast>
`;
}

async function waitForPort(port: number, child: ChildProcess, ms: number, log: () => Promise<string>) {
  const until = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`icecast2 exited (${child.exitCode}): ${await log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > until) throw new Error(`icecast2 did not listen on ${port}: ${await log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startIcecast(o: { clients?: number; burstBytes?: number } = {}): Promise<RunningIcecast> {
  const dir = await mkdtemp(path.join(tmpdir(), 'nguon-icecast-'));
  await chmod(dir, 0o777); // icecast writes its logs after dropping root
  const port = await freePort();
  const password = `src-${Math.random().toString(36).slice(2)}`;
  const file = path.join(dir, 'icecast.xml');
  await writeFile(file, config({ port, dir, password, clients: o.clients ?? 100, burstBytes: o.burstBytes ?? 16_000 }));
  const child = spawn(ICECAST_BIN, ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const log = async () =>
    `${stderr}\n${await readFile(path.join(dir, 'error.log'), 'utf8').catch(() => '(no error.log)')}`.slice(-2000);
  try {
    await waitForPort(port, child, 15_000, log);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    url,
    sourceUrl: `http://source:${password}@127.0.0.1:${port}`,
    pid: child.pid as number,
    child,
    async mounts() {
      // /status-json.xsl of Icecast 2.4.4 renders invalid JSON when fields are empty; the admin XML is sound.
      const auth = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
      const xml = await (await fetch(`${url}/admin/stats`, { headers: { authorization: auth } })).text();
      return [...xml.matchAll(/<source mount="([^"]+)">([\s\S]*?)<\/source>/g)].map((m) => ({
        mount: m[1] as string,
        listeners: Number(/<listeners>(\d+)<\/listeners>/.exec(m[2] as string)?.[1] ?? 0),
      }));
    },
    async close() {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(t);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
