import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A credential that cannot leak by accident: JSON, string conversion and util.inspect (what pino,
 * console and error reporters use) all print "[redacted]". Only `reveal()` gives the value, at the one
 * place that puts it in a request header. Safer than a redaction path list, which breaks as soon as the
 * config object is logged from another depth.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
