import { describe, expect, it } from 'vitest';
import { SseParser, toApiEvent } from './event-stream.js';

describe('SseParser', () => {
  it('parses frames split anywhere, skipping comments', () => {
    const text =
      ': connected\n\nevent: problem\ndata: {"type":"problem","message":"NAS down"}\n\n' +
      'event: file\r\ndata: {"type":"file","path":"/W/a.jpg","outcome":"protected"}\r\n\r\n';
    for (const size of [1, 2, 3, 7, text.length]) {
      const parser = new SseParser();
      const frames = [];
      for (let i = 0; i < text.length; i += size) frames.push(...parser.feed(text.slice(i, i + size)));
      expect(frames, `chunks of ${size}`).toEqual([
        { event: 'problem', data: '{"type":"problem","message":"NAS down"}' },
        { event: 'file', data: '{"type":"file","path":"/W/a.jpg","outcome":"protected"}' },
      ]);
    }
  });

  it('joins data lines and defaults the event type', () => {
    expect(new SseParser().feed('data: a\ndata:b\n\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
    expect(new SseParser().feed('event: x\n\n')).toEqual([]); // no data: nothing to dispatch
  });

  it('turns frames into API events, ignoring what is not one', () => {
    expect(toApiEvent({ event: 'problem', data: '{"type":"problem","message":"m"}' })).toEqual({
      type: 'problem',
      message: 'm',
    });
    expect(toApiEvent({ event: 'problem', data: '{"type":"status"}' })).toBeUndefined();
    expect(toApiEvent({ event: 'problem', data: 'not json' })).toBeUndefined();
    expect(toApiEvent({ event: 'problem', data: 'null' })).toBeUndefined();
  });
});
