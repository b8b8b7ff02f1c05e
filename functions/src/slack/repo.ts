/**
 * The Slack app's own documents, each read and written only here:
 *   slackJobs     once-only marks of Slack work (dedupe.ts), removed by TTL on `expireAt`
 *   slackMessages where each subject's message was posted, per channel (refresh.ts)
 *   slackHomes    who opened the App Home recently (home.ts)
 *   slackPace     each channel's next free posting slot (post.ts)
 * (`config/slack` is a settings document: settings.ts.)
 */
import { FieldValue, type Firestore, type Transaction } from '@google-cloud/firestore';
import { typedCollection } from '../platform/firestore/typed.js';
import type { Reply } from './reply.js';

const SLACK_JOBS = 'slackJobs';
const SLACK_MESSAGES = 'slackMessages';
const SLACK_HOMES = 'slackHomes';
const SLACK_PACE = 'slackPace';

export interface SlackJobDoc {
  key: string;
  state: 'running' | 'effected' | 'done';
  startedAt?: Date;
  replyingAt?: Date;
  doneAt?: Date;
  expireAt?: Date;
  reply?: Reply;
  repeats?: number;
}

export interface SubjectPostsDoc {
  ref: { type: string; id: string };
  /** channel id -> message ts */
  posts: Record<string, string>;
  /** The outbox entry the posts show (re-rendered once decided). */
  source?: string;
  updatedAt: Date;
}

interface HomeDoc {
  userId: string;
  openedAt: Date;
}

interface PaceDoc {
  nextFreeMs: number;
  updatedAt?: Date;
  rateLimitedUntil?: Date;
}

const jobs = (db: Firestore) => typedCollection<SlackJobDoc>(db, SLACK_JOBS);
const messages = (db: Firestore) => typedCollection<SubjectPostsDoc>(db, SLACK_MESSAGES);
const homes = (db: Firestore) => typedCollection<HomeDoc>(db, SLACK_HOMES);
const pace = (db: Firestore) => typedCollection<PaceDoc>(db, SLACK_PACE);

// --- slackJobs

export const readJobTx = async (db: Firestore, tx: Transaction, id: string) =>
  (await tx.get(jobs(db).doc(id))).data();

export function countRepeatTx(db: Firestore, tx: Transaction, id: string): void {
  tx.update(jobs(db).doc(id), { repeats: FieldValue.increment(1) });
}

export function holdReplyTx(db: Firestore, tx: Transaction, id: string, at: Date): void {
  tx.update(jobs(db).doc(id), { replyingAt: at });
}

export function startJobTx(db: Firestore, tx: Transaction, id: string, doc: SlackJobDoc): void {
  tx.set(jobs(db).doc(id), doc);
}

export async function updateJob(db: Firestore, id: string, patch: Partial<SlackJobDoc>): Promise<void> {
  await jobs(db).doc(id).set(patch, { merge: true });
}

/** Creates the mark; false when it already exists. */
export async function createJobOnce(db: Firestore, id: string, doc: SlackJobDoc): Promise<boolean> {
  try {
    await jobs(db).doc(id).create(doc);
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 6) return false; // ALREADY_EXISTS
    throw err;
  }
}

export async function deleteJob(db: Firestore, id: string): Promise<void> {
  await jobs(db).doc(id).delete();
}

// --- slackMessages

export async function readSubjectPosts(db: Firestore, id: string): Promise<SubjectPostsDoc | undefined> {
  return (await messages(db).doc(id).get()).data();
}

export async function addSubjectPost(
  db: Firestore,
  id: string,
  p: { ref: { type: string; id: string }; channel: string; ts: string; at: Date; source?: string },
): Promise<void> {
  await messages(db)
    .doc(id)
    .set(
      {
        ref: p.ref,
        posts: { [p.channel]: p.ts },
        updatedAt: p.at,
        ...(p.source ? { source: p.source } : {}),
      },
      { merge: true },
    );
}

// --- slackHomes

export async function rememberHome(db: Firestore, userId: string, at: Date): Promise<void> {
  await homes(db).doc(userId).set({ userId, openedAt: at });
}

export async function homesOpenedSince(db: Firestore, since: Date, limit: number): Promise<string[]> {
  return (await homes(db).where('openedAt', '>=', since).limit(limit).get()).docs.map((d) => d.id);
}

// --- slackPace

/** Runs `decide` on the channel's next free slot in a transaction and stores the new one. */
export async function reservePace<T>(
  db: Firestore,
  channel: string,
  decide: (nextFreeMs: number | undefined) => { nextFree: number; at: Date; result: T },
): Promise<T> {
  const ref = pace(db).doc(channel);
  return db.runTransaction(async (tx) => {
    const r = decide((await tx.get(ref)).data()?.nextFreeMs);
    tx.set(ref, { nextFreeMs: r.nextFree, updatedAt: r.at });
    return r.result;
  });
}

export async function holdPace(db: Firestore, channel: string, untilMs: number): Promise<void> {
  await pace(db)
    .doc(channel)
    .set({ nextFreeMs: untilMs, rateLimitedUntil: new Date(untilMs) });
}
