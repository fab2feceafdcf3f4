import nodemailer from 'nodemailer';
import { RotorError } from '../errors.js';
import type { HttpPort } from '../ports/http-port.js';
import type { NotifierPort } from '../ports/notifier-port.js';
import { urlOrigin } from './http.js';
import { redirectNote, safeOrigin } from '../ports/http-text.js';

/** Where notices go: `ROTOR_SMTP_URL` (smtp://user:pass@host:port), `ROTOR_SMTP_FROM`, `ROTOR_WEBHOOK_URL`. */
export interface NotifierConfig {
  smtpUrl?: string;
  from?: string;
  webhookUrl?: string;
}

export function notifierConfigFromEnv(env: Readonly<Record<string, string | undefined>>): NotifierConfig {
  return { smtpUrl: env.ROTOR_SMTP_URL, from: env.ROTOR_SMTP_FROM, webhookUrl: env.ROTOR_WEBHOOK_URL };
}

/** E-mail through SMTP with nodemailer, and a JSON webhook over the HTTP port. */
export function createNotifier(config: NotifierConfig, http: HttpPort): NotifierPort {
  const port: NotifierPort = {};
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport(config.smtpUrl);
    const where = safeOrigin(config.smtpUrl.replace(/^smtps?:/, 'http:'));
    port.email = async (to, notification) => {
      try {
        await transport.sendMail({
          from: config.from ?? 'rotor@localhost',
          to: [...to],
          subject: notification.subject,
          text: notification.text,
        });
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'error';
        throw new RotorError(
          `could not send the failure e-mail through SMTP at ${where.replace(/^http:\/\//, '')}: ${code}`,
          {
            hint: 'check ROTOR_SMTP_URL and that the mail server is up; the failure itself is in the journal and history',
          },
        );
      }
    };
  }
  if (config.webhookUrl) {
    const url = config.webhookUrl;
    // The path of a Slack or Teams hook is its credential: only the origin is ever printed.
    const printAs = urlOrigin(url);
    port.webhook = async (notification) => {
      const res = await http.request({
        method: 'POST',
        url,
        printAs,
        json: notification.payload,
        timeoutMs: 10_000,
      });
      if (res.status < 200 || res.status >= 300)
        throw new RotorError(`the failure webhook at ${printAs} answered ${res.status}${redirectNote(res)}`, {
          hint: 'check ROTOR_WEBHOOK_URL; the failure itself is in the journal and history',
        });
    };
  }
  return port;
}
