import { describe, expect, it } from 'vitest';
import { jumpIndex } from './keys';

function key(init: KeyboardEventInit): KeyboardEvent {
  return new KeyboardEvent('keydown', init);
}

describe('jumpIndex', () => {
  it('maps Ctrl+1…9 to positions', () => {
    expect(jumpIndex(key({ ctrlKey: true, key: '1', code: 'Digit1' }))).toBe(1);
    expect(jumpIndex(key({ ctrlKey: true, key: '9', code: 'Digit9' }))).toBe(9);
  });

  it('ignores other keys and modifiers', () => {
    expect(jumpIndex(key({ key: '2', code: 'Digit2' }))).toBeNull();
    expect(jumpIndex(key({ ctrlKey: true, key: '0', code: 'Digit0' }))).toBeNull();
    expect(jumpIndex(key({ ctrlKey: true, shiftKey: true, key: '2', code: 'Digit2' }))).toBeNull();
  });

  it('uses the physical key on layouts where digits need shift', () => {
    expect(jumpIndex(key({ ctrlKey: true, key: 'é', code: 'Digit2' }))).toBe(2);
  });
});
