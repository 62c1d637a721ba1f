/**
 * A weekly template as the editor holds it: ranges per weekday in local wall-clock "HH:MM",
 * each with breaks; turned into the API's `weekly` body, and the API's refusals traced back to
 * the range they concern.
 */
import { isProblem } from "../../../api/problem";
import type { components } from "../../../api/schema";

export type DayHours = components["schemas"]["DayHours"];
export type Weekday = DayHours["day"];
export const WEEKDAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
export const STEP = 15; // minutes: what drawing snaps to
export const DAY_MINUTES = 24 * 60;

export interface BreakDraft {
  key: string;
  starts: string;
  ends: string;
}

export interface RangeDraft {
  key: string;
  day: Weekday;
  starts: string;
  ends: string;
  breaks: BreakDraft[];
}

let counter = 0;
export const newKey = (): string => `k${++counter}`;

export function toMinutes(clock: string): number {
  const [h, m] = clock.split(":").map(Number) as [number, number];
  return h * 60 + m;
}

export function toClock(minutes: number): string {
  const wrapped = ((minutes % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
  return `${String(Math.floor(wrapped / 60)).padStart(2, "0")}:${String(wrapped % 60).padStart(2, "0")}`;
}

export const isClock = (value: string): boolean => /^([01]\d|2[0-3]):[0-5]\d$/.test(value);

/** A time rounded to the grid's step. */
export const snap = (minutes: number): number => Math.min(DAY_MINUTES, Math.max(0, Math.round(minutes / STEP) * STEP));

export const isOvernight = (range: Pick<RangeDraft, "starts" | "ends">): boolean => toMinutes(range.ends) <= toMinutes(range.starts);

/** Minutes from the range's start day's midnight to its end (past 1440 when overnight). */
export function endOffset(range: Pick<RangeDraft, "starts" | "ends">): number {
  return toMinutes(range.ends) + (isOvernight(range) ? DAY_MINUTES : 0);
}

/** A clock inside a range, as minutes from its day's midnight (after midnight: past 1440). */
export function offsetIn(range: Pick<RangeDraft, "starts">, clock: string): number {
  const minutes = toMinutes(clock);
  return minutes < toMinutes(range.starts) ? minutes + DAY_MINUTES : minutes;
}

export function fromApi(weekly: DayHours[]): RangeDraft[] {
  return weekly.map((day) => ({
    key: newKey(),
    day: day.day,
    starts: day.starts.slice(0, 5),
    ends: day.ends.slice(0, 5),
    breaks: (day.breaks ?? []).map((b) => ({ key: newKey(), starts: b.starts.slice(0, 5), ends: b.ends.slice(0, 5) })),
  }));
}

/** Ranges in the order they are sent: by weekday, then start. */
export function ordered(ranges: RangeDraft[]): RangeDraft[] {
  return [...ranges].sort((a, b) => WEEKDAYS.indexOf(a.day) - WEEKDAYS.indexOf(b.day) || toMinutes(a.starts) - toMinutes(b.starts));
}

export function toApi(ranges: RangeDraft[]): DayHours[] {
  return ordered(ranges).map((range) => ({
    day: range.day,
    starts: range.starts,
    ends: range.ends,
    breaks: [...range.breaks]
      .sort((a, b) => offsetIn(range, a.starts) - offsetIn(range, b.starts))
      .map((b) => ({ starts: b.starts, ends: b.ends })),
  }));
}

export type RangeProblem = "overlap" | "breakOutside" | "breaksOverlap" | "invalid";

/** The editor's own checks, before anything is sent: every time filled in. */
export function draftErrors(ranges: RangeDraft[]): Record<string, RangeProblem> {
  const errors: Record<string, RangeProblem> = {};
  for (const range of ranges) {
    const clocks = [range.starts, range.ends, ...range.breaks.flatMap((b) => [b.starts, b.ends])];
    if (!clocks.every(isClock)) {
      errors[range.key] = "invalid";
    }
  }
  return errors;
}

const OVERLAP = /overlap at (mon|tue|wed|thu|fri|sat|sun) (\d{2}:\d{2})/;
const BREAK_OUTSIDE = /break on (mon|tue|wed|thu|fri|sat|sun) must lie strictly inside (\d{2}:\d{2})-(\d{2}:\d{2})/;
const BREAKS_OVERLAP = /breaks overlap on (mon|tue|wed|thu|fri|sat|sun)/;
const SUNDAY_NIGHT = /Sunday's overnight hours overlap Monday's/;
const WEEKLY_INDEX = /^weekly\.(\d+)/;

/**
 * Which range each of a 422's errors is about: `weekly.N...` fields name the Nth range sent;
 * the week's own checks name a weekday and a time in their message. What cannot be placed stays
 * in `rest`, to be shown above the editor.
 */
export function rangeErrors(error: unknown, sent: RangeDraft[]): { byRange: Record<string, RangeProblem>; rest: boolean } {
  const byRange: Record<string, RangeProblem> = {};
  if (!isProblem(error) || error.status !== 422) {
    return { byRange, rest: !!error };
  }
  const order = ordered(sent);
  let rest = false;
  for (const item of error.body.errors ?? []) {
    const field = item.field.split(".").filter((p) => p !== "body").join(".");
    const indexed = WEEKLY_INDEX.exec(field);
    const range = indexed ? order[Number(indexed[1])] : rangeNamedIn(item.message, order);
    if (range) {
      byRange[range.key] = indexed ? "invalid" : problemIn(item.message);
    } else {
      rest = true;
    }
  }
  return { byRange, rest };
}

function problemIn(message: string): RangeProblem {
  if (BREAK_OUTSIDE.test(message)) return "breakOutside";
  if (BREAKS_OVERLAP.test(message)) return "breaksOverlap";
  return "overlap";
}

function rangeNamedIn(message: string, ranges: RangeDraft[]): RangeDraft | undefined {
  let match = OVERLAP.exec(message);
  if (match) {
    const [, day, clock] = match;
    // The later of two overlapping ranges starts at that time (or an overnight one runs into it).
    return ranges.find((r) => r.day === day && r.starts === clock) ?? ranges.find((r) => r.day === day);
  }
  match = BREAK_OUTSIDE.exec(message);
  if (match) {
    const [, day, starts, ends] = match;
    return ranges.find((r) => r.day === day && r.starts === starts && r.ends === ends);
  }
  match = BREAKS_OVERLAP.exec(message);
  if (match) {
    return ranges.find((r) => r.day === match![1] && r.breaks.length > 1);
  }
  if (SUNDAY_NIGHT.test(message)) {
    return ranges.find((r) => r.day === "sun" && isOvernight(r));
  }
  return undefined;
}
