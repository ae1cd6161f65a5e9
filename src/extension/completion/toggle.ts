/** How long a snooze pauses inline suggestions before they come back by themselves. */
export const SNOOZE_MS = 5 * 60_000;

export type ToggleState = { kind: 'on' } | { kind: 'off' } | { kind: 'snoozed'; until: number };

/**
 * The status bar switch for inline suggestions: on, off, or snoozed until a time. Time is passed in
 * (milliseconds since the epoch), so a snooze that ran out reads as on without a timer having fired.
 * Plain state, no VS Code: the feature persists `isOn()` and redraws when `snoozeEndsIn` says.
 */
export class CompletionToggle {
  private current: ToggleState;

  constructor(on: boolean) {
    this.current = on ? { kind: 'on' } : { kind: 'off' };
  }

  state(now: number): ToggleState {
    return this.current.kind === 'snoozed' && now >= this.current.until ? { kind: 'on' } : this.current;
  }

  /** Suggestions are wanted now. */
  isActive(now: number): boolean {
    return this.state(now).kind === 'on';
  }

  /** What outlasts the window: a snooze is a pause of "on", so it counts as on. */
  isOn(): boolean {
    return this.current.kind !== 'off';
  }

  turnOn(): void {
    this.current = { kind: 'on' };
  }

  turnOff(): void {
    this.current = { kind: 'off' };
  }

  /** Pauses suggestions; snoozing again restarts the pause. Off stays off: there is nothing to pause. */
  snooze(now: number): void {
    if (this.current.kind !== 'off') this.current = { kind: 'snoozed', until: now + SNOOZE_MS };
  }

  /** The click on the status bar: on to off, and off or snoozed back to on. */
  toggle(now: number): void {
    if (this.state(now).kind === 'on') this.turnOff();
    else this.turnOn();
  }

  /** Milliseconds until a snooze ends; undefined when not snoozed. */
  snoozeEndsIn(now: number): number | undefined {
    const state = this.state(now);
    return state.kind === 'snoozed' ? state.until - now : undefined;
  }
}
