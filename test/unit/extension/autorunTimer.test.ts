import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { AutorunTimer } from '../../../extension/kernel/autorunTimer';

test('a burst of edits fires once, delayMs after its last edit; a cancelled wait never fires', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const fired: string[] = [];
    let delay = 1500;
    const timer = new AutorunTimer(
      () => delay,
      (key) => fired.push(key),
    );
    timer.schedule('a');
    mock.timers.tick(1000);
    timer.schedule('a');
    mock.timers.tick(1000);
    assert.deepEqual(fired, [], 'each edit puts the wait off');
    mock.timers.tick(500);
    assert.deepEqual(fired, ['a']);
    assert.equal(timer.pending('a'), false);
    delay = 100;
    timer.schedule('b');
    timer.schedule('a');
    timer.cancel('a');
    mock.timers.tick(100);
    assert.deepEqual(fired, ['a', 'b'], 'a changed setting applies to the next burst; a cancelled one is dropped');
    timer.schedule('c');
    timer.dispose();
    mock.timers.tick(1000);
    assert.deepEqual(fired, ['a', 'b']);
  } finally {
    mock.timers.reset();
  }
});
