import { SMTPServer } from 'smtp-server';
import { freePort } from './services';

export interface CapturedMail {
  readonly from: string;
  readonly to: string[];
  readonly raw: string;
  readonly subject: string;
  readonly messageId: string;
}

/**
 * A real SMTP server in this process that keeps what it receives. `refuse(true)` makes it
 * answer every message with a 451, as a mail server in trouble would; `refuse(true, 550)` with
 * a permanent refusal.
 */
export class SmtpCapture {
  readonly messages: CapturedMail[] = [];
  private refusing = false;
  private refusal = { code: 451, text: 'Try again later' };
  /** While set, a new connection gets no greeting: the sender waits, before any message is sent. */
  holding = false;
  /** How many connections have been opened (held or not). */
  started = 0;

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<SmtpCapture> {
    const port = await freePort();
    const box: { capture?: SmtpCapture } = {};
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      async onConnect(_session, callback) {
        if (box.capture) box.capture.started += 1;
        while (box.capture?.holding) await new Promise((r) => setTimeout(r, 50));
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (box.capture?.refusing) return callback(Object.assign(new Error(box.capture.refusal.text), { responseCode: box.capture.refusal.code }));
          const raw = Buffer.concat(chunks).toString('utf8');
          box.capture?.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            subject: /^Subject: (.*)$/m.exec(raw)?.[1]?.trim() ?? '',
            messageId: /^Message-ID: (.*)$/im.exec(raw)?.[1]?.trim() ?? '',
          });
          callback();
        });
      },
    });
    await new Promise<void>((res, rej) => {
      server.once('error', rej);
      server.listen(port, '127.0.0.1', () => res());
    });
    box.capture = new SmtpCapture(server, port);
    return box.capture;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** `refuse(true)` answers 451 (try later); `refuse(true, 550)` a permanent refusal. */
  refuse(on: boolean, code: 451 | 550 = 451): void {
    this.refusing = on;
    this.refusal = code === 451 ? { code, text: 'Try again later' } : { code, text: 'Mailbox unavailable' };
  }

  to(address: string): CapturedMail[] {
    return this.messages.filter((m) => m.to.includes(address));
  }

  stop(): Promise<void> {
    return new Promise((res) => this.server.close(() => res()));
  }
}
