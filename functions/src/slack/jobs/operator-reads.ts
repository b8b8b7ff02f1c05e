/** The operator reads behind `/muse roles` and `/muse audit`, through the operators' use cases. */
import { auditOfSubject } from '../../operators/audit-trail.js';
import type { Container } from '../../platform/container.js';
import { auditMessage, rolesMessage } from '../core/operator-messages.js';
import type { Reply } from '../dedupe.js';
import { loadSettings } from '../settings-store.js';

export async function rolesReply(app: Container): Promise<Reply> {
  return rolesMessage(await loadSettings(app), app.config.publicBaseUrl);
}

export async function auditReply(app: Container, subject: string): Promise<Reply> {
  return auditMessage(subject, await auditOfSubject(app.db, subject), app.config.publicBaseUrl);
}
