/**
 * The time left on a slot hold: mm:ss for the eye, and for screen readers a polite sentence
 * that changes only at each whole minute and at 30 seconds, never every second.
 */
import { Group, Text, VisuallyHidden } from "@mantine/core";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

export function secondsLeft(expiresAt: string, now: number = Date.now()): number {
  return Math.max(0, Math.ceil((new Date(expiresAt).getTime() - now) / 1000));
}

export function mmss(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}

/** What the screen reader hears: changes at 5, 4, 3, 2, 1 minutes, 30 seconds and the end. */
export function announcementBucket(seconds: number): { key: "minutes" | "seconds" | "expired"; count: number } {
  if (seconds <= 0) {
    return { key: "expired", count: 0 };
  }
  if (seconds <= 30) {
    return { key: "seconds", count: 30 };
  }
  return { key: "minutes", count: Math.ceil(seconds / 60) };
}

export function HoldCountdown({ expiresAt, onExpire }: { expiresAt: string; onExpire: () => void }) {
  const { t } = useTranslation("patient");
  const [now, setNow] = useState(() => Date.now());
  const expired = useRef(false);
  const left = secondsLeft(expiresAt, now);

  useEffect(() => {
    expired.current = false;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [expiresAt]);

  useEffect(() => {
    if (left <= 0 && !expired.current) {
      expired.current = true;
      onExpire();
    }
  }, [left, onExpire]);

  const bucket = announcementBucket(left);
  const spoken =
    bucket.key === "expired"
      ? t("hold.expiredShort")
      : bucket.key === "seconds"
        ? t("hold.secondsLeft", { count: bucket.count })
        : t("hold.minutesLeft", { count: bucket.count });

  return (
    <Group gap="xs" wrap="nowrap">
      <Text size="sm" aria-hidden>
        {t("hold.timeLeft")}
      </Text>
      <Text fw={700} size="lg" ff="monospace" aria-hidden data-testid="hold-countdown" c={left <= 60 ? "red.9" : undefined}>
        {mmss(left)}
      </Text>
      <VisuallyHidden role="status" aria-live="polite" aria-atomic>
        {spoken}
      </VisuallyHidden>
    </Group>
  );
}
