/**
 * `/muse sources`, `/muse produce` and the trend line of `/muse status`, through the signed Slack
 * endpoint and the slack-work worker, with the sources read over HTTP from the local feed server.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fixtureSources, startFeedServer, type FeedServer } from '../../scripts/lib/feed-server.js';
import { answerOf, APPROVER, OPERATOR, startSlackHarness, textOf, type SlackHarness } from './helpers.js';
import { museOf } from '../../functions/src/wiring/muse.js';

let h: SlackHarness;
let feeds: FeedServer;
const finance = { kind: 'user' as const, id: 'U-fin' };

before(async () => {
  h = await startSlackHarness();
  feeds = await startFeedServer();
  await museOf(h.app).wallet.credit({ key: 'seed', amount: 100, actor: finance });
});
after(async () => {
  await feeds.stop();
  await h.stop();
});

const say = (text: string, user = OPERATOR, o: { triggerId?: string; retryNum?: number } = {}) =>
  answerOf(h, text, { user, ...o });

test('help lists sources and produce; /muse sources shows the default set before anything is stored', async () => {
  const help = await say('help');
  assert.match(help, /\/muse sources/);
  assert.match(help, /\/muse produce <topic\.\.\.>/);
  const text = await say('sources', APPROVER);
  assert.match(text, /the default set/);
  assert.match(text, /reddit-popular.*https:\/\/www\.reddit\.com\/r\/popular\/hot\.json/);
  assert.match(text, /not read yet/);
  assert.match(await say('sources now'), /takes no arguments/);
});

test("/muse sources and /muse status show each source's health after a tick", async () => {
  const sources = fixtureSources(feeds.url);
  await museOf(h.app).trends.putSources({
    sources: [
      ...sources,
      {
        id: 'gone',
        kind: 'feed',
        url: `${feeds.url}/feeds/gone.xml`,
        weight: 1,
        enabled: true,
        timeoutMs: 2000,
      },
    ],
    actor: { kind: 'user', id: OPERATOR, name: 'olga' },
    rationale: 'fixture feeds and one gone',
    via: 'api',
  });
  const tick = await museOf(h.app).trends.runTick({ tickId: 'slack-1' });
  assert.deepEqual([tick.sourcesOk, tick.sourcesFailed], [4, 1]);
  const text = await say('sources', APPROVER);
  assert.match(text, /5 source\(s\), settings by olga: fixture feeds and one gone/);
  assert.match(text, /reddit-newtubers[\s\S]*ok · \d+ items/);
  assert.match(text, /gone[\s\S]*failing 1 tick\(s\): HTTP 404 Not Found/);
  const status = await say('status', APPROVER);
  assert.match(status, /Trend sources:\* 4 of 5 sources ok; failing: gone \(HTTP 404 Not Found, 1 tick\)/);
});

test('/muse produce: an operator starts a production through the CFO gate, once per command', async () => {
  const r = await h.command('produce Lo-fi study beats', { user: OPERATOR });
  assert.equal(r.status, 200);
  const text = textOf((await h.response(r.responseId)).body);
  const m = /intent `(request~[a-f0-9]+)`, run `([^`]+)`/.exec(text);
  assert.ok(m, text);
  assert.match(text, /asked for a production of \*Lo-fi study beats\*/);
  const run = await h.waitForRun(m[2]!, (x) => x.steps.gate?.status === 'done');
  assert.equal(run.steps.gate!.edge, 'funded');
  // Slack retries the same command (same trigger id): no second intent.
  const retry = await h.command('produce Lo-fi study beats', {
    user: OPERATOR,
    triggerId: r.triggerId,
    retryNum: 1,
  });
  assert.equal(retry.status, 200);
  const intents = await h.app.db.collection('intents').where('origin', '==', 'request').get();
  assert.equal(intents.size, 1);
  const audit = await h.app.db.collection('audit').where('action', '==', 'slack.produce').get();
  assert.deepEqual(
    audit.docs.map((d) => [d.get('outcome'), d.get('rationale'), d.get('actor').id]),
    [['ok', 'produce "Lo-fi study beats"', OPERATOR]],
  );
  await h.waitForRun(m[2]!, (x) => x.status === 'succeeded' || x.status === 'failed', 90_000);
});

test('/muse produce is refused without the operator role, without a topic, for noise, and while the breaker holds', async () => {
  const noRole = await h.command('produce city gardens', { user: APPROVER });
  assert.equal(noRole.json.response_type, 'ephemeral');
  assert.match(noRole.json.text, /operator\* role/);
  const roleAudit = await h.app.db
    .collection('audit')
    .where('action', '==', 'slack.produce')
    .where('outcome', '==', 'refused')
    .get();
  assert.ok(roleAudit.docs.some((d) => d.get('actor').id === APPROVER));
  assert.match(await say('produce'), /say what to produce/);
  assert.match(await say('produce news'), /Refused: topic "news" is not usable/);

  await museOf(h.app).wallet.trip({ reason: 'slack test', actor: finance });
  assert.match(await say('produce city gardens'), /Refused: the CFO breaker holds every loop/);
  await museOf(h.app).wallet.override({ actor: finance, rationale: 'slack test done' });
  const intents = await h.app.db.collection('intents').where('origin', '==', 'request').get();
  assert.equal(intents.size, 1, 'no refused request created an intent');
});
