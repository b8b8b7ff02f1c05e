/**
 * Lazy trigger loading: the registration module stays tiny and each trigger's module (and the SDKs
 * it pulls in) loads on that function's first request, so cold start pays only for what it serves.
 */
import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';

type HttpModule = Record<string, unknown>;

/** `name` picks the export when one module holds several triggers. */
export function lazyHttp(load: () => Promise<HttpModule>, name = 'handle'): HttpFunction {
  let mod: Promise<HttpModule> | undefined;
  return async (req: Request, res: Response) => {
    mod ??= load();
    const handler = (await mod)[name];
    if (typeof handler !== 'function') throw new Error(`trigger module has no export "${name}"`);
    return (handler as HttpFunction)(req, res);
  };
}
