import type { Notification } from '../policy/notification.js';

/** Where failure notices go; each channel is optional and failing one never hides the other. */
export interface NotifierPort {
  email?(to: readonly string[], notification: Notification): Promise<void>;
  webhook?(notification: Notification): Promise<void>;
}
