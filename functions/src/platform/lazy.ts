/**
 * Lazy trigger loading: the registration module stays tiny and each trigger's module (and the SDKs
 * it pulls in) loads on that function's first request, so cold start pays only for what it serves.
 */
import type { CloudEvent, HttpFunction, Request, Response } from '@google-cloud/functions-framework';

type HttpModule = { handle: HttpFunction };
type EventModule = { handle: (event: CloudEvent<unknown>) => Promise<void> };

export function lazyHttp(load: () => Promise<HttpModule>): HttpFunction {
  let mod: Promise<HttpModule> | undefined;
  return async (req: Request, res: Response) => {
    mod ??= load();
    return (await mod).handle(req, res);
  };
}

export function lazyEvent(load: () => Promise<EventModule>): (event: CloudEvent<unknown>) => Promise<void> {
  let mod: Promise<EventModule> | undefined;
  return async (event) => {
    mod ??= load();
    return (await mod).handle(event);
  };
}
