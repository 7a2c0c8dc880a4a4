/** Whether the browser may show system notifications: its permission, or 'unsupported'. */
export type AlertPermission = NotificationPermission | 'unsupported';

/** The current permission for system notifications. */
export function alertPermission(): AlertPermission {
  return typeof window !== 'undefined' && 'Notification' in window ? Notification.permission : 'unsupported';
}

/** Asks the user to allow system notifications (must run from a click). */
export async function requestAlertPermission(): Promise<AlertPermission> {
  if (alertPermission() === 'unsupported') return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch {
    return alertPermission();
  }
}

/** A system notification to show. */
export interface SystemAlert {
  title: string;
  body: string;
  /** A later alert with the same tag replaces this one. */
  tag: string;
  onClick: () => void;
}

/**
 * Shows a system notification while the launcher is in the background and alerts are allowed;
 * the list in the page is the record, so a refusal is silent.
 */
export function showSystemAlert(alert: SystemAlert): void {
  if (typeof document === 'undefined' || document.visibilityState !== 'hidden') return;
  if (alertPermission() !== 'granted') return;
  try {
    const notification = new Notification(alert.title, { body: alert.body, tag: alert.tag });
    notification.onclick = () => {
      window.focus();
      notification.close();
      alert.onClick();
    };
  } catch {
    // Chrome on Android allows notifications only through a service worker and throws here.
  }
}
