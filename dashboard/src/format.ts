/** Formatting shared by the screens: money through the SDK's helpers, times, errors. */
import { money } from '@vinr/sdk';

/** `EUR 10.50`, `JPY 500`: minor units in the currency's exponent (the SDK's core does the maths). */
export function formatMoney(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  try {
    return `${code} ${money.format(amount, code)}`;
  } catch {
    // A currency the SDK does not know: show the raw minor units rather than guess an exponent.
    return `${code} ${amount} (minor units)`;
  }
}

/** Major-unit text typed by the user → minor units; throws the SDK's error (e.g. too precise). */
export function parseMoney(text: string, currency: string): number {
  return money.parse(text.trim(), currency.toUpperCase());
}

/** `2026-04-15 10:30 UTC`: the API's times are UTC; the simulated clock makes local time misleading. */
export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatDate(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  return iso.slice(0, 10);
}

/** `0.9500` → `95.00%`. */
export function formatRate(rate: string | null): string {
  if (rate === null) return '—';
  const n = Number(rate);
  return Number.isFinite(n) ? `${(n * 100).toFixed(2)}%` : rate;
}

/** What the UI shows of any failure: the API's message and request id when it answered. */
export interface ErrorInfo {
  readonly message: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
}

export function errorInfo(error: unknown): ErrorInfo {
  if (typeof error === 'object' && error !== null) {
    const e = error as { message?: unknown; status?: unknown; code?: unknown; requestId?: unknown };
    return {
      message: typeof e.message === 'string' ? e.message : String(error),
      status: typeof e.status === 'number' ? e.status : undefined,
      code: typeof e.code === 'string' ? e.code : undefined,
      requestId: typeof e.requestId === 'string' ? e.requestId : undefined,
    };
  }
  return { message: String(error), status: undefined, code: undefined, requestId: undefined };
}

/** Downloads `text` as a file (CSV exports come back as text from the API). */
export function downloadText(text: string, filename: string, type: string): void {
  downloadBlob(new Blob([text], { type }), filename);
}

export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  downloadUrl(url, filename);
  // The click has started the download synchronously; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Saves what `url` points to as `filename`, as a click on a download link would. */
export function downloadUrl(url: string, filename: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
}

/** `pay_3Nf91…`: ids stay whole in titles and links; this is for narrow cells. */
export function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 14)}…` : id;
}
