/**
 * Structured JSON logs in Cloud Logging's format: one line per entry with `severity`, `message`,
 * and the trace field Cloud Logging uses to group a request's lines.
 */
export type Severity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const ORDER: Record<Severity, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3 };
const LEVELS = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR' } as const;

export function createLogger(opts: {
  level?: keyof typeof LEVELS;
  projectId?: string;
  base?: Record<string, unknown>;
  write?: (line: string) => void;
}): Logger {
  const min = ORDER[LEVELS[opts.level ?? 'info']];
  const write = opts.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const emit = (severity: Severity, message: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[severity] < min) return;
    const { trace, ...rest } = { ...opts.base, ...fields };
    const entry: Record<string, unknown> = { severity, message, time: new Date().toISOString(), ...rest };
    if (typeof trace === 'string' && opts.projectId)
      entry['logging.googleapis.com/trace'] = `projects/${opts.projectId}/traces/${trace}`;
    if (rest.err instanceof Error) entry.err = { message: rest.err.message, stack: rest.err.stack };
    write(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => emit('DEBUG', m, f),
    info: (m, f) => emit('INFO', m, f),
    warn: (m, f) => emit('WARNING', m, f),
    error: (m, f) => emit('ERROR', m, f),
    child: (fields) => createLogger({ ...opts, base: { ...opts.base, ...fields } }),
  };
}

/** Extracts the trace id from Cloud Run's `X-Cloud-Trace-Context: TRACE/SPAN;o=1` header. */
export function traceFromHeader(header: string | undefined): string | undefined {
  return header?.split('/')[0] || undefined;
}
