/**
 * A message template filled with a sample visit, the way notify fills it (services/notify,
 * templates/rules.py): the same placeholders, Python's `{{`/`}}` escapes, the clinic's local
 * date and time in the template's language, and the opt-out line notify adds when the words
 * do not mention STOP.
 */
import { formatFullDate, formatTime, localDay } from "../../../lib/format";
import { localInstant } from "./localTime";

/** Notify's own opt-out line per language (`_STOP` in wording.py): part of the message, not the UI. */
const STOP_LINE: Record<string, string> = { en: "Reply STOP to opt out.", sw: "Jibu STOP kusitisha.", fr: "Répondez STOP." };
/** What notify writes for {clinic_phone} when the clinic has no phone. */
const NO_PHONE = "the clinic";

export interface SampleVisit {
  patient: string;
  clinic: string;
  clinicPhone: string | null;
  type: string;
  startsAt: Date;
  expiresAt: Date;
  zone: string;
}

/** Tomorrow at 09:30 at the clinic; a waitlist offer held until 07:30 that day. */
export function sampleTimes(zone: string, now: Date = new Date()): { startsAt: Date; expiresAt: Date } {
  const tomorrow = localDay(new Date(now.getTime() + 24 * 3600_000), zone);
  return { startsAt: localInstant(tomorrow, 9, 30, zone), expiresAt: localInstant(tomorrow, 7, 30, zone) };
}

export function fillTemplate(body: string, visit: SampleVisit, language: string): string {
  const values: Record<string, string> = {
    patient: visit.patient.split(" ")[0] ?? "",
    clinic: visit.clinic,
    clinic_phone: visit.clinicPhone || NO_PHONE,
    type: visit.type,
    date: formatFullDate(visit.startsAt, visit.zone, language),
    time: formatTime(visit.startsAt, visit.zone, language),
    expires: formatTime(visit.expiresAt, visit.zone, language),
  };
  const filled = body.replace(/\{\{|\}\}|\{(\w+)\}/g, (match, name: string | undefined) => {
    if (match === "{{") return "{";
    if (match === "}}") return "}";
    return name !== undefined && name in values ? values[name]! : match;
  });
  return filled.includes("STOP") ? filled : `${filled} ${STOP_LINE[language] ?? STOP_LINE.en}`;
}
