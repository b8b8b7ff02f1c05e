import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as wsModule from 'ws';
import {
  eventFrame,
  eventFrameJson,
  helloFrame,
  helloFrameJson,
  parseClientFrame,
  statusFrame,
  statusFrameJson,
} from '../../functions/src/stream/core/frames.js';
import { createRetentionBuffer } from '../../functions/src/stream/core/retention.js';
import { assignEventSeqs, eventSeq } from '../../functions/src/stream/core/seq.js';
import { judgeBuffered } from '../../functions/src/stream/core/slow-consumer.js';
import { createTokenBucket } from '../../functions/src/stream/core/token-bucket.js';
import { encodeTextFrame } from '../../functions/src/stream/core/ws-frame.js';

test('event seqs come from the commit time, numbered by id within a commit', () => {
  const c1 = { seconds: 1_780_000_000, nanoseconds: 123_456_000 };
  const c2 = { seconds: 1_780_000_000, nanoseconds: 123_999_000 };
  const out = assignEventSeqs([
    { id: 'b', commit: c1 },
    { id: 'z', commit: c2 },
    { id: 'a', commit: c1 },
  ]);
  assert.deepEqual(
    out.map((e) => [e.id, e.seq]),
    [
      ['a', 1_780_000_000_123_457],
      ['b', 1_780_000_000_123_458],
      ['z', 1_780_000_000_124_000],
    ],
  );
  assert.ok(Number.isSafeInteger(eventSeq({ seconds: 8_000_000_000, nanoseconds: 999_999_000 }, 50)));
});

test('retention replays what follows a seq, and refuses positions it cannot vouch for', () => {
  const r = createRetentionBuffer({ maxItems: 3, maxAgeMs: 60_000, coveredFrom: 1000 });
  const f = (seq: number, atMs: number) => ({ seq, id: `e${seq}`, atMs, frame: new Uint8Array([seq]) });
  for (const s of [2000, 3000, 4000]) r.push(f(s, 10));
  assert.deepEqual(
    (r.replay(2000, 100) as { frames: Array<{ seq: number }> }).frames.map((x) => x.seq),
    [3000, 4000],
  );
  assert.deepEqual((r.replay(4000, 100) as { frames: unknown[] }).frames, []);
  r.push(f(5000, 20)); // pushes 2000 out: a client at 1500 would miss it
  assert.deepEqual(r.replay(1500, 100), { ok: false, reason: 'too_old' });
  assert.equal(r.replay(2000, 100).ok, true);
  assert.deepEqual(r.replay(1e15, 100), { ok: false, reason: 'in_future' });
  r.trim(60_015); // 3000 and 4000 (at 10) age out
  assert.equal(r.size, 1);
  assert.equal(r.replay(3000, 60_015).ok, false);
  assert.equal(r.has('e5000'), true);
});

test('token bucket: a burst, then the refill rate', () => {
  const b = createTokenBucket({ burst: 3, perSecond: 2 }, 0);
  assert.deepEqual([b.take(0), b.take(0), b.take(0), b.take(0)], [true, true, true, false]);
  assert.equal(b.take(400), false);
  assert.equal(b.take(500), true);
});

test('slow consumer: a spike is fine, a sustained backlog or the hard cap is not', () => {
  const limits = { softBytes: 100, hardBytes: 1000, windowMs: 5000 };
  const s = { overSince: undefined as number | undefined };
  assert.equal(judgeBuffered(s, 500, 0, limits), 'ok');
  assert.equal(judgeBuffered(s, 900, 4000, limits), 'ok');
  assert.equal(judgeBuffered(s, 50, 4500, limits), 'ok'); // drained: the window starts again
  assert.equal(judgeBuffered(s, 500, 6000, limits), 'ok');
  assert.equal(judgeBuffered(s, 500, 11_000, limits), 'sustained_backlog');
  assert.equal(judgeBuffered({ overSince: undefined }, 1001, 0, limits), 'over_hard_cap');
});

// ws's own frame parser (exported at runtime, not in @types/ws) checks the frames we build by hand.
const { Receiver } = wsModule as unknown as {
  Receiver: new (o: { isServer: boolean }) => NodeJS.WritableStream & {
    on(e: 'message', f: (data: Buffer, isBinary: boolean) => void): void;
  };
};

test('pre-built frames decode as text frames of every length class', async () => {
  for (const text of ['hi', 'x'.repeat(200), 'é'.repeat(40_000)]) {
    const got = await new Promise<string>((resolve) => {
      const r = new Receiver({ isServer: false });
      r.on('message', (data: Buffer, isBinary: boolean) => {
        assert.equal(isBinary, false);
        resolve(data.toString('utf8'));
      });
      r.write(Buffer.from(encodeTextFrame(text)));
    });
    assert.equal(got, text);
  }
});

test('client frames: say and resume pass, anything else is an error with a reason', () => {
  assert.deepEqual(parseClientFrame('{"type":"say","text":" hi "}'), {
    ok: true,
    frame: { type: 'say', text: 'hi' },
  });
  assert.deepEqual(parseClientFrame('{"type":"resume","seq":42}'), {
    ok: true,
    frame: { type: 'resume', seq: 42 },
  });
  assert.equal(parseClientFrame('not json').ok, false);
  const bad = parseClientFrame('{"type":"say","text":""}');
  assert.ok(!bad.ok && bad.code === 'invalid_frame' && bad.message.includes('text'));
  assert.equal(parseClientFrame('{"type":"resume","seq":-1}').ok, false);
  assert.equal(parseClientFrame('{"type":"shout"}').ok, false);
});

test('server frames spliced from serialised JSON are the frames the protocol defines', () => {
  const status = { loop: { state: 'running' }, note: 'quote " and \\ and \u2028' };
  const event = { id: 'e1', type: 'step.done', data: { n: 1 } };
  assert.deepEqual(JSON.parse(statusFrameJson(7, JSON.stringify(status))), {
    type: 'status',
    seq: 7,
    status,
  });
  assert.equal(statusFrame(7, status), statusFrameJson(7, JSON.stringify(status)));
  assert.deepEqual(JSON.parse(eventFrame(8, event)), { type: 'event', seq: 8, event });
  assert.equal(eventFrame(8, event), eventFrameJson(8, JSON.stringify(event)));
  const fresh = helloFrameJson({
    seq: 8,
    resumed: false,
    retentionSeconds: 300,
    statusJson: JSON.stringify(status),
    recentJson: [JSON.stringify(event)],
  });
  assert.deepEqual(JSON.parse(fresh), {
    type: 'hello',
    seq: 8,
    resumed: false,
    retentionSeconds: 300,
    status,
    recent: [event],
  });
  assert.equal(helloFrame(8, status, false, 300, [event]), fresh);
  const resumed = JSON.parse(helloFrame(5, status, true, 300)) as Record<string, unknown>;
  assert.equal(resumed.resumed, true);
  assert.ok(!('recent' in resumed), 'a resumed hello carries no recent events: they come as event frames');
});
