/**
 * The `/muse` command language (SPEC.md "User-facing contracts"): text in, a typed command or a
 * usage line out. Pure, so every malformed form is a table test. Subcommands may be added; the
 * ones in SPEC.md keep their shape.
 */

export type Command =
  | { kind: 'help' }
  | { kind: 'status' }
  | { kind: 'gates' }
  | { kind: 'wallet' }
  | { kind: 'missions' }
  | { kind: 'gate'; runId: string; edge: string; rationale: string }
  | { kind: 'approve'; runId: string; outcome: string }
  | { kind: 'reject'; runId: string; reason: string }
  | { kind: 'run'; runId: string }
  | { kind: 'failure'; summary: string }
  | { kind: 'mission.start'; id: string }
  | { kind: 'mission.complete'; id: string; verification: string }
  | { kind: 'mission.block'; id: string; needs: string[]; criteria: string }
  | { kind: 'mission.unblock'; id: string; note: string }
  | { kind: 'session.start'; focusAreas: string[] }
  | { kind: 'session.close'; testsPassed: boolean; notes: string }
  | { kind: 'incident'; severity: 'sev1' | 'sev2' | 'sev3' | 'sev4'; summary: string }
  | { kind: 'ack'; incidentId: string }
  | { kind: 'resolve'; incidentId: string; summary: string }
  | { kind: 'breaker.override'; rationale: string }
  | { kind: 'safemode.exit'; rationale: string }
  | { kind: 'roles' }
  | { kind: 'audit'; subject: string }
  | { kind: 'sources' }
  | { kind: 'produce'; topic: string };

export type CommandKind = Command['kind'];

/** One usage line per subcommand, in the order `help` lists them. */
export const USAGE: Readonly<Record<string, string>> = Object.freeze({
  help: '/muse help — list the subcommands',
  status: '/muse status — loop, wallet, breaker, safe mode, open gates and incidents',
  gates: '/muse gates — runs waiting for a person, a button per edge',
  gate: '/muse gate <run-id> <edge> <rationale...>',
  approve: '/muse approve <run-id> <user-visible outcome...>',
  reject: '/muse reject <run-id> <reason...>',
  run: '/muse run <run-id> — run summary and scenario report',
  failure: '/muse failure [summary...] — opens the failure-log form (5 whys, prevention)',
  missions: '/muse missions — the backlog in precedence order',
  mission:
    '/muse mission start <id> | mission complete <id> <verification command...> | mission block <id> <need[,need...]> <unblock criteria...> | mission unblock <id> [note...]',
  session: '/muse session start [focus area, ...] | session close <passed|failed> [notes...]',
  incident: '/muse incident <sev1|sev2|sev3|sev4> <summary...>',
  ack: '/muse ack <incident-id>',
  resolve: '/muse resolve <incident-id> <summary...>',
  breaker: '/muse breaker override <rationale...> (finance role)',
  safemode: '/muse safemode exit <rationale...> (operator role)',
  wallet: '/muse wallet — balance, reserved, burn rate',
  roles: '/muse roles — who holds which role, and the channels',
  audit: '/muse audit <run-id|incident-id|@user> — the audit trail of a thing or a person (operator role)',
  sources: '/muse sources — the trend sources and their health (change them with PUT /v1/muse/sources)',
  produce: '/muse produce <topic...> — a production now, through the CFO gate (operator role)',
});

export type Parsed = { ok: true; command: Command } | { ok: false; usage: string; problem: string };

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:~@-]{0,199}$/;

const usage = (sub: string, problem: string): Parsed => ({
  ok: false,
  usage: USAGE[sub] ?? helpText(),
  problem,
});
const ok = (command: Command): Parsed => ({ ok: true, command });

/** Splits on whitespace, keeping the rest of the line (with its spacing collapsed) for free text. */
function words(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean);
}

/** Parses the text after `/muse`. Never throws. */
export function parseCommand(text: string): Parsed {
  const w = words(text);
  const sub = (w[0] ?? 'help').toLowerCase();
  const rest = w.slice(1);
  const tail = (from: number) => rest.slice(from).join(' ');
  const needId = (i: number, what: string) =>
    rest[i] && ID.test(rest[i]) ? undefined : `missing or invalid ${what}`;
  switch (sub) {
    case 'help':
    case 'status':
    case 'gates':
    case 'wallet':
    case 'missions':
    case 'roles':
    case 'sources':
      return rest.length ? usage(sub, `"${sub}" takes no arguments`) : ok({ kind: sub });
    case 'audit': {
      // A mention arrives as <@U123|name>; keep the id.
      const subject = (rest[0] ?? '').replace(/^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/, '$1');
      const bad = ID.test(subject)
        ? rest.length > 1
          ? 'too many arguments'
          : undefined
        : 'missing or invalid <run-id|incident-id|@user>';
      return bad ? usage(sub, bad) : ok({ kind: 'audit', subject });
    }
    case 'gate': {
      const bad = needId(0, '<run-id>') ?? (rest[1] ? undefined : 'missing <edge>');
      if (bad) return usage(sub, bad);
      if (!tail(2)) return usage(sub, 'a gate decision needs a rationale');
      return ok({ kind: 'gate', runId: rest[0]!, edge: rest[1]!, rationale: tail(2) });
    }
    case 'approve':
    case 'reject': {
      const bad = needId(0, '<run-id>');
      if (bad) return usage(sub, bad);
      if (!tail(1))
        return usage(sub, sub === 'approve' ? 'state the user-visible outcome' : 'give the reason');
      return sub === 'approve'
        ? ok({ kind: 'approve', runId: rest[0]!, outcome: tail(1) })
        : ok({ kind: 'reject', runId: rest[0]!, reason: tail(1) });
    }
    case 'run': {
      const bad = needId(0, '<run-id>') ?? (rest.length > 1 ? 'too many arguments' : undefined);
      return bad ? usage(sub, bad) : ok({ kind: 'run', runId: rest[0]! });
    }
    case 'failure':
      return ok({ kind: 'failure', summary: tail(0) });
    case 'produce':
      return tail(0).length >= 2
        ? ok({ kind: 'produce', topic: tail(0) })
        : usage(sub, 'say what to produce: a topic');
    case 'mission':
      return parseMission(rest);
    case 'session':
      return parseSession(rest);
    case 'incident': {
      const sev = (rest[0] ?? '').toLowerCase();
      if (!['sev1', 'sev2', 'sev3', 'sev4'].includes(sev)) return usage(sub, 'severity must be sev1-sev4');
      if (!tail(1)) return usage(sub, 'missing <summary>');
      return ok({ kind: 'incident', severity: sev as 'sev1', summary: tail(1) });
    }
    case 'ack': {
      const bad = needId(0, '<incident-id>') ?? (rest.length > 1 ? 'too many arguments' : undefined);
      return bad ? usage(sub, bad) : ok({ kind: 'ack', incidentId: rest[0]! });
    }
    case 'resolve': {
      const bad = needId(0, '<incident-id>') ?? (tail(1) ? undefined : 'say how it was resolved');
      return bad ? usage(sub, bad) : ok({ kind: 'resolve', incidentId: rest[0]!, summary: tail(1) });
    }
    case 'breaker':
      if (rest[0]?.toLowerCase() !== 'override') return usage(sub, 'the only breaker action is "override"');
      return tail(1)
        ? ok({ kind: 'breaker.override', rationale: tail(1) })
        : usage(sub, 'a rationale is required');
    case 'safemode':
      if (rest[0]?.toLowerCase() !== 'exit') return usage(sub, 'the only safemode action is "exit"');
      return tail(1)
        ? ok({ kind: 'safemode.exit', rationale: tail(1) })
        : usage(sub, 'a rationale is required');
    default:
      return { ok: false, usage: helpText(), problem: `unknown subcommand "${sub}"` };
  }
}

function parseMission(rest: string[]): Parsed {
  const action = (rest[0] ?? '').toLowerCase();
  const id = rest[1];
  const tail = rest.slice(2).join(' ');
  if (!['start', 'complete', 'block', 'unblock'].includes(action))
    return usage('mission', 'the action must be start, complete, block or unblock');
  if (!id || !ID.test(id)) return usage('mission', 'missing or invalid mission <id>');
  switch (action) {
    case 'start':
      return rest.length > 2 ? usage('mission', 'too many arguments') : ok({ kind: 'mission.start', id });
    case 'complete':
      return tail
        ? ok({ kind: 'mission.complete', id, verification: tail })
        : usage('mission', 'completing needs the verification command that passed');
    case 'block': {
      const needs = (rest[2] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const criteria = rest.slice(3).join(' ');
      if (!needs.length || !criteria)
        return usage('mission', 'blocking needs <need[,need...]> and unblock criteria');
      return ok({ kind: 'mission.block', id, needs, criteria });
    }
    default:
      return ok({ kind: 'mission.unblock', id, note: tail });
  }
}

function parseSession(rest: string[]): Parsed {
  const action = (rest[0] ?? '').toLowerCase();
  if (action === 'start') {
    const focusAreas = rest
      .slice(1)
      .join(' ')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return ok({ kind: 'session.start', focusAreas });
  }
  if (action === 'close') {
    const tests = (rest[1] ?? '').toLowerCase();
    if (tests !== 'passed' && tests !== 'failed')
      return usage('session', 'closing needs the test result: passed or failed');
    return ok({ kind: 'session.close', testsPassed: tests === 'passed', notes: rest.slice(2).join(' ') });
  }
  return usage('session', 'the action must be start or close');
}

/** The `help` text: every usage line. */
export function helpText(): string {
  return [
    '*/muse* subcommands:',
    ...Object.values(USAGE).map(
      (u) => `• \`${u.split(' — ')[0]}\`${u.includes(' — ') ? ` — ${u.split(' — ')[1]}` : ''}`,
    ),
  ].join('\n');
}
