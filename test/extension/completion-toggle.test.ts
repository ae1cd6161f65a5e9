import { describe, expect, it } from 'vitest';
import { CompletionToggle, SNOOZE_MS } from '../../src/extension/completion/toggle';

const T0 = 1_700_000_000_000;

describe('the inline suggestions switch', () => {
  it('starts on or off as persisted, and a snooze counts as on for persisting', () => {
    expect(new CompletionToggle(true).state(T0)).toEqual({ kind: 'on' });
    expect(new CompletionToggle(false).state(T0)).toEqual({ kind: 'off' });
    const toggle = new CompletionToggle(true);
    toggle.snooze(T0);
    expect(toggle.isOn()).toBe(true);
    toggle.turnOff();
    expect(toggle.isOn()).toBe(false);
  });

  it('snoozes for five minutes, then is on again by itself', () => {
    const toggle = new CompletionToggle(true);
    toggle.snooze(T0);
    expect(toggle.state(T0 + 1)).toEqual({ kind: 'snoozed', until: T0 + SNOOZE_MS });
    expect(toggle.isActive(T0 + SNOOZE_MS - 1)).toBe(false);
    expect(toggle.snoozeEndsIn(T0 + 60_000)).toBe(SNOOZE_MS - 60_000);
    expect(toggle.state(T0 + SNOOZE_MS)).toEqual({ kind: 'on' });
    expect(toggle.isActive(T0 + SNOOZE_MS)).toBe(true);
    expect(toggle.snoozeEndsIn(T0 + SNOOZE_MS)).toBeUndefined();
  });

  it('restarts the pause when snoozed again, and cannot snooze what is off', () => {
    const toggle = new CompletionToggle(true);
    toggle.snooze(T0);
    toggle.snooze(T0 + 4 * 60_000);
    expect(toggle.state(T0 + SNOOZE_MS + 1).kind).toBe('snoozed');
    const off = new CompletionToggle(false);
    off.snooze(T0);
    expect(off.state(T0)).toEqual({ kind: 'off' });
  });

  it('toggles on to off, and off or snoozed back to on', () => {
    const toggle = new CompletionToggle(true);
    toggle.toggle(T0);
    expect(toggle.state(T0).kind).toBe('off');
    toggle.toggle(T0);
    expect(toggle.state(T0).kind).toBe('on');
    toggle.snooze(T0);
    toggle.toggle(T0 + 1);
    expect(toggle.state(T0 + 1)).toEqual({ kind: 'on' });
  });

  it('ends a snooze when turned off or on explicitly', () => {
    const toggle = new CompletionToggle(true);
    toggle.snooze(T0);
    toggle.turnOff();
    expect(toggle.state(T0 + 1).kind).toBe('off');
    toggle.turnOn();
    expect(toggle.isActive(T0 + 1)).toBe(true);
  });
});
