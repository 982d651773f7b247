import mqtt, { type MqttClient } from 'mqtt';

/** A raw MQTT client for tests that play a receiver (or an intruder) by hand. */
export async function connectRaw(url: string, username?: string, password?: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...(username ? { username, clientId: username } : {}),
    ...(password ? { password } : {}),
  });
}

/** Resolves with the first message on `topic` (after subscribing), or rejects after the timeout. */
export function nextMessage(client: MqttClient, topic: string, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`no message on ${topic} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (t: string, payload: Buffer) => {
      if (t !== topic) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(payload);
    };
    client.on('message', onMessage);
  });
}

/** Resolves when the client is closed by the broker. */
export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    if (!client.connected) return resolve();
    client.once('close', () => resolve());
  });
}
