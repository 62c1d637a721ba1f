/**
 * Dates, times and numbers through Intl, in the user's language and the clinic's zone. An
 * instant is always shown in the zone of the clinic where it happens, never the device's.
 */

const cache = new Map<string, Intl.DateTimeFormat>();

/**
 * The locale to write dates and numbers in: the device's own variant of the app's language
 * when it has one (en-GB and en-KE write "Mon 7 Dec" and 17:30, en-US "Mon, Dec 7" and 5:30 PM),
 * otherwise the language itself.
 */
export function displayLocale(language: string): string {
  const prefix = `${language.toLowerCase()}-`;
  const device = typeof navigator === "undefined" ? [] : (navigator.languages ?? [navigator.language]);
  return device.find((tag) => tag.toLowerCase() === language.toLowerCase() || tag.toLowerCase().startsWith(prefix)) ?? language;
}

function formatter(language: string, zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const locale = displayLocale(language);
  const key = `${locale}|${zone}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone });
    cache.set(key, format);
  }
  return format;
}

type Instant = string | Date;

const asDate = (value: Instant): Date => (typeof value === "string" ? new Date(value) : value);

export function formatTime(value: Instant, zone: string, language: string): string {
  return formatter(language, zone, { hour: "numeric", minute: "2-digit" }).format(asDate(value));
}

export function formatDate(value: Instant, zone: string, language: string): string {
  return formatter(language, zone, { weekday: "long", day: "numeric", month: "long" }).format(asDate(value));
}

/** The date as messages write it: weekday, day, month and year. */
export function formatFullDate(value: Instant, zone: string, language: string): string {
  return formatter(language, zone, { weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(asDate(value));
}

export function formatShortDate(value: Instant, zone: string, language: string): string {
  return formatter(language, zone, { weekday: "short", day: "numeric", month: "short" }).format(asDate(value));
}

export function formatDateTime(value: Instant, zone: string, language: string): string {
  return formatter(language, zone, {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "numeric",
    minute: "2-digit",
  }).format(asDate(value));
}

export function formatNumber(value: number, language: string): string {
  return new Intl.NumberFormat(displayLocale(language)).format(value);
}

/** The device's own zone. */
export function deviceZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Whether a time shown in `zone` would read differently on this device's clock. */
export function zoneDiffers(zone: string, at: Instant = new Date()): boolean {
  const probe = { hour: "numeric", minute: "numeric", day: "numeric" } as const;
  return formatter("en", zone, probe).format(asDate(at)) !== formatter("en", deviceZone(), probe).format(asDate(at));
}

/** The zone's name in the user's language, e.g. "East Africa Time" or "heure normale d'Afrique de l'Est". */
export function zoneName(zone: string, language: string, at: Instant = new Date()): string {
  const parts = formatter(language, zone, { timeZoneName: "long" }).formatToParts(asDate(at));
  return parts.find((part) => part.type === "timeZoneName")?.value ?? zone;
}

/** The clinic-local calendar day (YYYY-MM-DD) of an instant. */
export function localDay(value: Instant, zone: string): string {
  return formatter("en-CA", zone, { year: "numeric", month: "2-digit", day: "2-digit" }).format(asDate(value));
}
