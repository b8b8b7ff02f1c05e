/**
 * The `/muse` slash command. On the ack path only: parse, check the role (cached settings), and
 * either answer at once (help, usage, refusal, the failure form) or publish the work to
 * `slack-work` and ack empty; the worker answers through the response_url. Keyed by the trigger id,
 * so Slack's retries of the same command run it once.
 */
import { createHash } from 'node:crypto';
import { parseCommand, helpText } from '../core/command.js';
import { ROLE_FOR, roleRefusalText } from '../core/settings.js';
import { failureModal } from '../core/views.js';
import { auditSlack, ctxFromCommand } from '../context.js';
import { publishJob } from '../jobs/job.js';
import { openView } from '../post.js';
import type { BoltRuntime } from '../deps.js';
import { guardAck } from './guard.js';

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });

export function registerCommand(rt: BoltRuntime): void {
  rt.bolt.command('/muse', async ({ body, ack }) => {
    await guardAck(rt, ack, async () => {
      const b = body as unknown as Record<string, unknown>;
      const text = typeof b.text === 'string' ? b.text : '';
      const ctx = ctxFromCommand(b);
      const parsed = parseCommand(text);
      if (!parsed.ok) return ephemeral(`${parsed.problem}. Usage: \`${parsed.usage}\``);
      const cmd = parsed.command;
      if (cmd.kind === 'help') return ephemeral(helpText());
      const role = ROLE_FOR[cmd.kind];
      if (role && !(await rt.roles.userHasRole(rt.web, role, ctx.userId))) {
        await auditSlack(rt.deps, ctx, {
          action: `slack.${cmd.kind}`,
          target: 'role',
          outcome: 'refused',
          reason: `forbidden: needs the ${role} role`,
          details: { text: `/muse ${text}`, role },
        });
        return ephemeral(roleRefusalText(role, `/muse ${cmd.kind.replace('.', ' ')}`));
      }
      const triggerId = typeof b.trigger_id === 'string' ? b.trigger_id : undefined;
      if (cmd.kind === 'failure') {
        if (!triggerId) return ephemeral('The failure form needs Slack to open it; no trigger id was sent.');
        await openView(
          rt,
          triggerId,
          failureModal(cmd.summary, { channel: ctx.channelId, team: ctx.teamId }),
        );
        return undefined;
      }
      const key = `cmd:${triggerId ?? createHash('sha256').update(JSON.stringify(b)).digest('hex')}`;
      await publishJob(rt.deps.bus, { kind: 'command', key, text, ctx });
      return undefined;
    });
  });
}
