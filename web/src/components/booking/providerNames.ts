/**
 * Providers' names as the public slot search tells them. Appointments carry only the provider's
 * id, and patients may not read staff records, so names seen in slot answers are remembered on
 * this device to label the appointments later.
 */
import type { components } from "../../api/schema";

type Slot = components["schemas"]["Slot"];
const KEY = "clinic.providerNames";

let names: Record<string, string> | null = null;

function load(): Record<string, string> {
  if (names === null) {
    try {
      names = JSON.parse(localStorage.getItem(KEY) ?? "{}") as Record<string, string>;
    } catch {
      names = {};
    }
  }
  return names;
}

/** Remember the names of the providers in these slots. */
export function rememberProviders(slots: readonly Slot[]): void {
  const known = load();
  let changed = false;
  for (const slot of slots) {
    for (const provider of slot.providers) {
      if (provider.name && known[provider.id] !== provider.name) {
        known[provider.id] = provider.name;
        changed = true;
      }
    }
  }
  if (changed) {
    try {
      localStorage.setItem(KEY, JSON.stringify(known));
    } catch {
      // storage full or off: names simply stay for this visit
    }
  }
}

export function providerName(id: string | null | undefined): string | null {
  return id ? (load()[id] ?? null) : null;
}

/** The distinct providers of some slots, by name. */
export function providersOf(slots: readonly Slot[]): { id: string; name: string | null }[] {
  const seen = new Map<string, string | null>();
  for (const slot of slots) {
    for (const provider of slot.providers) {
      if (!seen.has(provider.id) || (!seen.get(provider.id) && provider.name)) {
        seen.set(provider.id, provider.name);
      }
    }
  }
  return [...seen].map(([id, name]) => ({ id, name })).sort((a, b) => (a.name ?? "").localeCompare(b.name ?? ""));
}

/** For tests: forget what was learnt. */
export function forgetProviders(): void {
  names = null;
}
