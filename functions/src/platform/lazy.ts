/**
 * Lazy trigger loading: the registration module stays tiny and each trigger's module (and the SDKs
 * it pulls in) loads on that function's first request, so cold start pays only for what it serves.
 */
import type { CloudEvent, HttpFunction, Request, Response } from '@google-cloud/functions-framework';

type HttpModule = { handle: HttpFunction };
type EventHandler = (event: CloudEvent<unknown>) => Promise<void>;
type EventModule = Record<string, unknown>;

export function lazyHttp(load: () => Promise<HttpModule>): HttpFunction {
  let mod: Promise<HttpModule> | undefined;
  return async (req: Request, res: Response) => {
    mod ??= load();
    return (await mod).handle(req, res);
  };
}

/** `name` picks the export when one module holds several triggers. */
export function lazyEvent(load: () => Promise<EventModule>, name = 'handle'): EventHandler {
  let mod: Promise<EventModule> | undefined;
  return async (event) => {
    mod ??= load();
    const handler = (await mod)[name];
    if (typeof handler !== 'function') throw new Error(`trigger module has no export "${name}"`);
    return (handler as EventHandler)(event);
  };
}
